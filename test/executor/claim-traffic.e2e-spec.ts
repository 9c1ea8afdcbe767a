import { type ClaimedInstances, type ClaimRequest, HookedStorage, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

/** Counts the claims an executor makes, by kind, without changing them. */
class ClaimCounter extends HookedStorage {
  ready = 0;
  overdue = 0;

  override claim(request: ClaimRequest): Promise<ClaimedInstances> {
    if (request.overdueOnly) this.overdue += 1;
    else this.ready += 1;
    return super.claim(request);
  }
}

describe.each(STORAGE_KINDS)('the claim traffic of an executor on %s', (kind) => {
  const { storage, executorOn } = useExecutors(kind);

  // A backlog a limit holds back is ready and unclaimed, like a deadline that passed before its
  // instance was seen; only the deadline needs the overdue check, once, not every job of the backlog.
  it('looks for overdue work once, not once per job, while a limit holds a ready backlog back', async () => {
    const counted = new ClaimCounter(await storage(), {});
    const ex = executorOn(counted, { parallelism: 4, rateLimits: { job: 1 }, pollInterval: 60_000 });
    ex.handle('job', () => undefined);
    // Distinct readyAts, so the earliest waiting one changes with every job the limit lets through.
    const jobs = await ex.addMany(Array.from({ length: 12 }, (_, n) => ({ name: 'job', delay: n })));
    await ex.start();
    await waitFor(async () => (await ex.stats()).completed === jobs.length, { description: 'the backlog drained' });
    const statuses = await Promise.all(jobs.map(async ({ id }) => (await ex.get(id)).status));
    expect(statuses).toEqual(jobs.map(() => Status.COMPLETED));
    expect(counted.ready).toBeGreaterThanOrEqual(jobs.length);
    expect(counted.overdue).toBe(1);
  });

  it('expires a deadline that passed before its instance was seen at once, not at the next poll', async () => {
    const counted = new ClaimCounter(await storage(), {});
    const ex = executorOn(counted, { pollInterval: 60_000 });
    ex.handle('job', () => undefined);
    await ex.start();
    await waitFor(() => counted.overdue === 1, { description: 'the first overdue check' });
    const late = await ex.add({ name: 'job', delay: 60_000, deadlineAt: new Date(Date.now() - 1_000) });
    const expired = await waitFor(async () => {
      const instance = await ex.get(late.id);
      return instance.status === Status.EXPIRED ? instance : undefined;
    }, { timeout: 5_000, description: 'the late instance EXPIRED' });
    expect(expired.status).toBe(Status.EXPIRED);
  });
});
