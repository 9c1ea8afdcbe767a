import { LeaseExpiredError } from '../core/errors/lease-expired.error.js';
import { EventType } from '../core/event.js';
import { Status } from '../core/status.js';
import type { DurexStorage } from '../storage/storage.interface.js';
import type { ResolvedExecutorOptions, StuckRecoveryOptions } from './executor-options.js';
import { ownLease } from './outcomes.js';
import { PeriodicTask } from './periodic-task.js';
import type { WorkerPool } from './worker-pool.js';

/**
 * Reclaims instances whose lease expired because their process died. Each reclaimed run counts as a
 * failed attempt (retry with backoff, or Recover and FAILED / DEAD_LETTER), so a job that crashes its
 * process cannot loop forever. A reclaim first takes the lease over, guarded on it being still expired
 * and still the dead owner's: a process that merely stalled and renewed in time keeps its work, and
 * when several processes find the same expired lease only one wins, so Recover, the error handler and
 * the metrics of that failure run once.
 */
export function createStuckRecovery(
  storage: DurexStorage,
  options: ResolvedExecutorOptions,
  settings: Required<StuckRecoveryOptions>,
  pool: WorkerPool,
  owner: string,
): PeriodicTask {
  return new PeriodicTask(
    'stuck recovery',
    settings.interval,
    async () => {
      const now = new Date(options.clock.now());
      const expired = await storage.findExpiredLeases(now, settings.batchSize);
      if (!expired.length) return;
      const leaseUntil = new Date(now.getTime() + options.lease.duration);
      const takeovers = await storage.transition(
        expired.map((instance) => ({
          id: instance.id,
          guard: { statuses: [Status.STARTED], leaseOwner: instance.leaseOwner ?? undefined, leaseExpiredBefore: now },
          patch: { leaseOwner: owner, leaseExpiresAt: leaseUntil },
          events: [],
        })),
      );
      // All at once: the transition writer then records the whole batch in one round trip.
      await Promise.all(
        expired.map((instance, index) => {
          if (!takeovers[index]!.applied) return undefined;
          const deadOwner = instance.leaseOwner ?? 'unknown';
          const error = new LeaseExpiredError(deadOwner, instance.leaseExpiresAt ?? now);
          instance.leaseOwner = owner;
          instance.leaseExpiresAt = leaseUntil;
          instance.recordEvent(EventType.RECOVERED, `lease of ${deadOwner} expired; reclaimed by ${owner}`);
          return pool.fail(instance, error, ownLease(owner));
        }),
      );
    },
    options.logger,
  );
}
