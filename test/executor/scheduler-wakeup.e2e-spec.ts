import { type ClaimRequest, Executor, type Instance, MemoryStorage, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { delay, useExecutors } from '../support/executor-harness.js';
import { waitFor } from '../support/wait-for.js';

/** Far longer than the test: a job that waits for a poll has been missed by the scheduler. */
const POLL = 10_000;
/** A claim round trip on a busy database. */
const CLAIM_LATENCY = 100;

/** Memory storage whose claims take as long as a round trip to a loaded database. */
class SlowClaimStorage extends MemoryStorage {
  override async claim(request: ClaimRequest): Promise<Instance[]> {
    const claimed = await super.claim(request);
    await delay(CLAIM_LATENCY);
    return claimed;
  }
}

describe('the scheduler of an idle executor', () => {
  const { executorOn } = useExecutors('memory');

  // Found by test/processes/notify-wakeup: a delayed job enqueued by another process sometimes
  // waited a whole poll interval. The claim asks for what is ready at the time the tick began;
  // a job that becomes ready while that claim is in flight is, by the time idleTime() looks, already
  // due, and idleTime() takes "due but not claimed" to mean a concurrency limit is full and sleeps
  // the whole poll interval, though nothing is running that could wake it.
  it('claims a job that became ready while a claim was in flight, without waiting for the next poll', async () => {
    const storage = new SlowClaimStorage();
    await storage.migrate();
    const executor = executorOn(storage, { pollInterval: POLL });
    executor.handle('soon', () => undefined);
    await executor.start();
    // Another executor enqueues, as another process would: the worker hears one notification.
    const producer = new Executor(storage, { commands: ['soon'] });
    // Let the worker's first rounds finish, so it is asleep when the notification comes.
    await delay(4 * CLAIM_LATENCY);
    // The notification wakes it: its claim starts now and sees nothing ready; the job becomes ready
    // halfway through that claim.
    const job = await producer.add({ name: 'soon', delay: CLAIM_LATENCY / 2 });
    await waitFor(async () => (await executor.get(job.id)).status === Status.COMPLETED, {
      timeout: 2_000,
      description: 'the job COMPLETED well before the next poll',
    });
    const instance = await executor.get(job.id);
    expect(instance.startedAt!.getTime() - instance.readyAt.getTime()).toBeLessThan(POLL / 10);
  });
});
