import { EventType, InvalidOptionsError, Executor, MemoryStorage, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { delay, useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

/** A gate handlers wait on until the test opens it. */
function gate(): { wait: () => Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { wait: () => opened, open };
}

describe.each(STORAGE_KINDS)('prefetch (claiming beyond the free workers) on %s', (kind) => {
  const { executor } = useExecutors(kind);

  it('claims a batch larger than the free workers into a buffer and runs each instance once', async () => {
    const ex = await executor({ parallelism: 2, prefetch: 6 });
    const held = gate();
    const runs = new Map<number, number>();
    ex.handle('job', async (cmd) => {
      runs.set(cmd.getInt('n'), (runs.get(cmd.getInt('n')) ?? 0) + 1);
      await held.wait();
    });
    const added = await ex.addMany(Array.from({ length: 20 }, (_, n) => ({ name: 'job', data: { n } })));
    await ex.start();
    // Two running, six more claimed and waiting: eight STARTED under this executor's lease.
    await waitFor(async () => (await ex.count({ status: Status.STARTED })) === 8);
    expect(runs.size).toBe(2);
    expect((await ex.stats()).running).toBe(2);
    held.open();
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 20);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(runs.size).toBe(20);
    for (const { id } of added) expect((await ex.get(id)).attempt).toBe(1);
  });

  it('hands buffered instances back as PENDING on stop, without spending an attempt', async () => {
    const ex = await executor({ parallelism: 1, prefetch: 4 });
    const held = gate();
    const ran: string[] = [];
    ex.handle('job', async (cmd) => {
      ran.push(cmd.id);
      await held.wait();
    });
    const added = await ex.addMany(Array.from({ length: 5 }, () => ({ name: 'job', retries: 2 })));
    await ex.start();
    await waitFor(async () => (await ex.count({ status: Status.STARTED })) === 5);
    const stopping = ex.stop();
    await delay(50);
    held.open();
    await stopping;
    expect(ran).toHaveLength(1);
    const [first, ...buffered] = await Promise.all(added.map(({ id }) => ex.get(id)));
    expect(first!.id).toBe(ran[0]);
    expect(first!.status).toBe(Status.COMPLETED);
    for (const instance of buffered) {
      expect(instance).toMatchObject({ status: Status.PENDING, attempt: 0, retries: 2, leaseOwner: null, startedAt: null });
      expect(instance.history.at(-1)).toMatchObject({ type: EventType.RETRYING, message: 'handed back unfinished: the executor shut down' });
    }
  });

  it('renews the leases of buffered instances, so another process never reclaims them', async () => {
    const lease = { duration: 400, renewInterval: 100 };
    const ex = await executor({ parallelism: 1, prefetch: 3, lease });
    const rescuer = await executor({ stuckRecovery: { interval: 50 }, lease });
    const runs = new Map<string, number>();
    ex.handle('slow', async (cmd) => {
      runs.set(cmd.id, (runs.get(cmd.id) ?? 0) + 1);
      await delay(300);
    });
    rescuer.handle('other', () => undefined);
    const added = await ex.addMany(Array.from({ length: 4 }, () => ({ name: 'slow', retries: 3 })));
    await rescuer.start();
    await ex.start();
    // The last one waits about 900 ms in the buffer, more than twice the lease.
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 4, { timeout: 10_000 });
    for (const { id } of added) {
      const done = await ex.get(id);
      expect(runs.get(id)).toBe(1);
      expect(done).toMatchObject({ attempt: 1, retries: 3 });
      expect(done.history.some((event) => event.type === EventType.RECOVERED)).toBe(false);
    }
  });

  it('expires a buffered instance at its deadline while it waits for a worker', async () => {
    const ex = await executor({ parallelism: 1, prefetch: 2 });
    const held = gate();
    const expired: string[] = [];
    ex.register({
      name: 'job',
      execute: async () => held.wait(),
      expired: (cmd) => void expired.push(cmd.id),
    });
    const blocker = await ex.add({ name: 'job' });
    const late = await ex.add({ name: 'job', deadline: 300 });
    await ex.start();
    await waitFor(async () => (await ex.count({ status: Status.STARTED })) === 2);
    await waitFor(async () => (await ex.get(late.id)).status === Status.EXPIRED, { timeout: 3_000 });
    expect(expired).toEqual([late.id]);
    expect((await ex.get(blocker.id)).status).toBe(Status.STARTED);
    held.open();
    await waitFor(async () => (await ex.get(blocker.id)).status === Status.COMPLETED);
  });

  it('drops a cancelled buffered instance: it never runs', async () => {
    const ex = await executor({ parallelism: 1, prefetch: 2 });
    const held = gate();
    const ran: string[] = [];
    ex.handle('job', async (cmd) => {
      ran.push(cmd.id);
      await held.wait();
    });
    const first = await ex.add({ name: 'job' });
    const second = await ex.add({ name: 'job' });
    await ex.start();
    await waitFor(async () => (await ex.count({ status: Status.STARTED })) === 2);
    await ex.cancel(second.id);
    held.open();
    await waitFor(async () => (await ex.get(first.id)).status === Status.COMPLETED);
    await delay(100);
    expect(ran).toEqual([first.id]);
    expect((await ex.get(second.id)).status).toBe(Status.CANCELLED);
  });
});

describe('prefetch option', () => {
  it('is an integer ≥ 0, and sizes claims to parallelism + prefetch unless claimBatchSize says otherwise', () => {
    expect(() => new Executor(new MemoryStorage(), { prefetch: -1 })).toThrow(InvalidOptionsError);
    expect(() => new Executor(new MemoryStorage(), { prefetch: 1.5 })).toThrow(InvalidOptionsError);
    expect(new Executor(new MemoryStorage(), { parallelism: 10, prefetch: 90 }).options.claimBatchSize).toBe(100);
    expect(new Executor(new MemoryStorage(), { parallelism: 10, prefetch: 90, claimBatchSize: 20 }).options.claimBatchSize).toBe(20);
    expect(new Executor(new MemoryStorage()).options).toMatchObject({ prefetch: 0, claimBatchSize: 10 });
  });
});
