import type { DurexStorage } from '../storage/storage.interface.js';
import type { ResolvedExecutorOptions } from './executor-options.js';
import { PeriodicTask } from './periodic-task.js';
import type { WorkerPool } from './worker-pool.js';

/**
 * Renews the leases of the instances this process holds (the heartbeat): running, waiting in the
 * prefetch buffer, or with an outcome not yet written. So stuck recovery never mistakes a slow live
 * job for a dead one. An instance whose lease could not be renewed was cancelled or reclaimed
 * elsewhere: its handler is aborted and its result discarded (a buffered one is dropped).
 */
export function createLeaseKeeper(storage: DurexStorage, options: ResolvedExecutorOptions, pool: WorkerPool, owner: string): PeriodicTask {
  return new PeriodicTask(
    'lease renewal',
    options.lease.renewInterval,
    async () => {
      const ids = pool.heldIds();
      if (!ids.length) return;
      const held = new Set(await storage.renewLeases(owner, ids, new Date(options.clock.now() + options.lease.duration)));
      for (const id of ids) {
        if (!held.has(id) && pool.abort(id, 'lease-lost')) {
          options.logger.warn(`durex: lost the lease of command ${id} (cancelled or reclaimed elsewhere); its attempt was aborted or dropped`);
        }
      }
    },
    options.logger,
  );
}
