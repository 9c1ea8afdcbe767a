import { type ClaimRequest, type Instance, MemoryStorage } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { MemoryLogger, useExecutors } from '../support/executor-harness.js';
import { waitFor } from '../support/wait-for.js';

/** Memory storage whose next claims fail, as claims do on pooled connections a database cut. */
class FlakyStorage extends MemoryStorage {
  private failing = 0;
  claims = 0;

  failNext(count: number): void {
    this.failing += count;
  }

  get pendingFailures(): number {
    return this.failing;
  }

  /** Only the claims for ready work count: the look for overdue work beside them is part of the same round. */
  override async claim(request: ClaimRequest): Promise<Instance[]> {
    if (request.overdueOnly) return super.claim(request);
    this.claims += 1;
    if (this.failing > 0) {
      this.failing -= 1;
      throw new Error('Connection terminated unexpectedly');
    }
    return super.claim(request);
  }
}

describe('the scheduler, when claims fail', () => {
  const { executorOn } = useExecutors('memory');

  // Found by terminating every backend of the database: a cut could leave a pooled connection dead
  // that a claim found only after the next one had succeeded, and one cut was logged as two outages.
  it('logs an outage and its end once, folding a short relapse right after it into the same outage', async () => {
    const storage = new FlakyStorage();
    await storage.migrate();
    let now = 1_000_000;
    const logger = new MemoryLogger();
    const executor = executorOn(storage, { logger, pollInterval: 10, clock: { now: () => now } });
    const outageLines = () =>
      logger.lines.map((line) => line.message).filter((message) => /storage (unavailable|reachable again)/.test(message));
    /** Fails the next `count` claims and waits for a claim that succeeds after them. */
    const failClaims = async (count: number, description: string) => {
      storage.failNext(count);
      await waitFor(() => storage.pendingFailures === 0, { timeout: 5_000, description });
      const claimsAfter = storage.claims;
      await waitFor(() => storage.claims > claimsAfter, { timeout: 5_000, description: `a claim after ${description}` });
    };
    // The scheduler claims only for names it has handlers for.
    executor.handle('job', () => undefined);
    await executor.start();

    await failClaims(2, 'the outage');
    expect(outageLines()).toEqual([
      'durex: storage unavailable, retrying with backoff: Connection terminated unexpectedly',
      'durex: storage reachable again after 2 failed attempts',
    ]);

    now += 1_000;
    await failClaims(2, 'a relapse within 2 s of the recovery');
    expect(outageLines()).toHaveLength(2);

    now += 500;
    await failClaims(3, 'a relapse that lasts');
    expect(outageLines().slice(2)).toEqual([
      'durex: storage unavailable, retrying with backoff: Connection terminated unexpectedly',
      'durex: storage reachable again after 3 failed attempts',
    ]);

    now += 2_000;
    await failClaims(1, 'a new outage 2 s after the last recovery');
    expect(outageLines().slice(4)).toEqual([
      'durex: storage unavailable, retrying with backoff: Connection terminated unexpectedly',
      'durex: storage reachable again after 1 failed attempts',
    ]);
  });
});
