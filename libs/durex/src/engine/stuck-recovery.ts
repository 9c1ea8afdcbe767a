import { LeaseExpiredError } from '../core/errors/lease-expired.error.js';
import { EventType } from '../core/event.js';
import { Status } from '../core/status.js';
import type { DurexStorage } from '../storage/storage.interface.js';
import type { ResolvedExecutorOptions, StuckRecoveryOptions } from './executor-options.js';
import { PeriodicTask } from './periodic-task.js';
import type { WorkerPool } from './worker-pool.js';

/**
 * Reclaims instances whose lease expired because their process died. Each reclaimed run counts as a
 * failed attempt (retry with backoff, or Recover and FAILED / DEAD_LETTER), so a job that crashes its
 * process cannot loop forever. The guard requires the lease to be still expired and still the dead
 * owner's, so a process that merely stalled and renewed in time keeps its work.
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
      // All at once: the transition writer then records the whole batch in one round trip.
      await Promise.all(
        expired.map((instance) => {
          const deadOwner = instance.leaseOwner ?? 'unknown';
          const error = new LeaseExpiredError(deadOwner, instance.leaseExpiresAt ?? now);
          instance.recordEvent(EventType.RECOVERED, `lease of ${deadOwner} expired; reclaimed by ${owner}`);
          return pool.fail(instance, error, { statuses: [Status.STARTED], leaseOwner: deadOwner, leaseExpiredBefore: now });
        }),
      );
    },
    options.logger,
  );
}
