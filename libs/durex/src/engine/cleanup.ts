import type { DurexStorage } from '../storage/storage.interface.js';
import type { CleanupOptions, ResolvedExecutorOptions } from './executor-options.js';
import { PeriodicTask } from './periodic-task.js';

/**
 * Deletes finished instances older than `olderThan`, in batches of `batchSize` so no statement holds
 * locks for long and the claim index stays small. DEAD_LETTER instances are kept until purged.
 */
export function createCleanup(storage: DurexStorage, options: ResolvedExecutorOptions, settings: Required<CleanupOptions>): PeriodicTask {
  return new PeriodicTask('cleanup', settings.interval, async () => void (await cleanupOnce(storage, options, settings)), options.logger);
}

/** One full cleanup pass; returns how many instances were deleted. */
export async function cleanupOnce(storage: DurexStorage, options: ResolvedExecutorOptions, settings: Required<CleanupOptions>): Promise<number> {
  const before = new Date(options.clock.now() - settings.olderThan);
  let total = 0;
  for (;;) {
    const deleted = await storage.cleanup(before, settings.batchSize);
    total += deleted;
    if (deleted < settings.batchSize) return total;
    // Let claims and completions in between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
