import { type ClaimRequest, Executor, type Instance, MemoryStorage } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { useExecutors } from '../support/executor-harness.js';
import { waitFor } from '../support/wait-for.js';

/** Far longer than the test: a job that waits for a poll has been missed by the scheduler. */
const POLL = 10_000;

/**
 * Memory storage whose next claims find nothing although work is ready, as a PostgreSQL claim does
 * when another process's claim holds the ready rows locked (FOR UPDATE SKIP LOCKED skips them).
 */
class LockedByAnotherClaim extends MemoryStorage {
  constructor(private misses: number) {
    super();
  }

  override async claim(request: ClaimRequest): Promise<Instance[]> {
    if (!request.overdueOnly && this.misses > 0) {
      this.misses -= 1;
      return [];
    }
    return super.claim(request);
  }
}

describe('the scheduler, when another process holds the ready work', () => {
  const { executorOn } = useExecutors('memory');

  // Found with two worker processes draining one queue: a claim that came back empty because the
  // other process's claim had the ready rows locked was taken for "a concurrency limit is full",
  // and the process slept a whole poll interval with work waiting.
  it('claims again within milliseconds, backing off, instead of waiting for the next poll', async () => {
    const storage = new LockedByAnotherClaim(3);
    await storage.migrate();
    const producer = new Executor(storage, { commands: ['job'] });
    await producer.add({ name: 'job' });
    const executor = executorOn(storage, { pollInterval: POLL });
    let ranAt = 0;
    executor.handle('job', () => void (ranAt = Date.now()));
    const startedAt = Date.now();
    await executor.start();
    await waitFor(() => ranAt > 0, { timeout: 2_000, description: 'the job ran before the next poll' });
    // Three empty claims, then retries after 5, 10 and 20 ms.
    expect(ranAt - startedAt).toBeLessThan(1_000);
  });
});
