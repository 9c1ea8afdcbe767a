import { CommandAbortedError, EventType, Result, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { delay, useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

describe.each(STORAGE_KINDS)('executor durability on %s', (kind) => {
  const { executor, storage } = useExecutors(kind);

  it('lets an in-flight job finish on stop, and leaves nothing STARTED', async () => {
    const ex = await executor({ gracefulShutdown: 2_000 });
    let finished = false;
    ex.handle('work', async () => {
      await delay(150);
      finished = true;
    });
    await ex.start();
    const added = await ex.add({ name: 'work' });
    await waitFor(async () => (await ex.get(added.id)).status === Status.STARTED);
    await ex.stop();
    expect(finished).toBe(true);
    expect((await ex.get(added.id)).status).toBe(Status.COMPLETED);
    expect(await ex.count({ status: Status.STARTED })).toBe(0);
  });

  it('aborts what outlives the grace period and hands it back as PENDING without spending a retry', async () => {
    const ex = await executor({ gracefulShutdown: 50 });
    let reason: unknown;
    ex.handle('stubborn', async (_cmd, ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      reason = ctx.signal.reason;
      return Result.next({ name: 'stubborn' });
    });
    await ex.start();
    const added = await ex.add({ name: 'stubborn', retries: 1 });
    await waitFor(async () => (await ex.get(added.id)).status === Status.STARTED);
    await ex.stop();
    expect(reason).toBeInstanceOf(CommandAbortedError);
    const after = await ex.get(added.id);
    expect([after.status, after.retries, after.attempt, after.leaseOwner]).toEqual([Status.PENDING, 1, 0, null]);
    expect(after.history.at(-1)).toMatchObject({ type: EventType.RETRYING, message: expect.stringMatching(/shut down/) });
    expect(await ex.count({ status: Status.STARTED })).toBe(0);
    expect(await ex.count({ name: 'stubborn' })).toBe(1);
  });

  it('keeps delayed work, retries in backoff and future repeats across a restart', async () => {
    const first = await executor({ backoff: { nextDelay: () => 250 } });
    let failOnce = true;
    const runs: string[] = [];
    const register = (ex: typeof first) => {
      ex.handle('delayed', () => void runs.push('delayed'));
      ex.handle('flaky', () => {
        runs.push('flaky');
        if (failOnce) {
          failOnce = false;
          throw new Error('once');
        }
      });
      ex.handle('repeat', (cmd) => (runs.push('repeat'), cmd.getInt('n') > 0 ? Result.repeat() : undefined), { period: 250 });
    };
    register(first);
    await first.start();
    await first.add({ name: 'delayed', delay: 250 });
    const flaky = await first.add({ name: 'flaky', retries: 1 });
    const repeat = await first.add({ name: 'repeat', data: { n: 1 } });
    await waitFor(async () => (await first.get(flaky.id)).retries === 0 && (await first.get(repeat.id)).status === Status.REPEATING);
    await first.stop();
    expect(runs.sort()).toEqual(['flaky', 'repeat']);

    const second = await executor({ backoff: { nextDelay: () => 250 } });
    register(second);
    await second.start();
    await waitFor(async () => runs.length === 5 && (await second.get(flaky.id)).status === Status.COMPLETED, { timeout: 5_000 });
    expect(runs.sort()).toEqual(['delayed', 'flaky', 'flaky', 'repeat', 'repeat']);
  });

  it('expires a queued instance at its deadline even while every worker is busy', async () => {
    const ex = await executor({ parallelism: 1 });
    let release!: () => void;
    const expired: string[] = [];
    ex.handle('blocker', () => new Promise<void>((resolve) => (release = resolve)));
    ex.handle('urgent', () => undefined, {
      expired: (cmd) => {
        expired.push(cmd.id);
        return Result.next({ name: 'notify', data: { expired: cmd.id } });
      },
    });
    ex.handle('notify', () => undefined);
    await ex.start();
    await ex.add({ name: 'blocker' });
    await waitFor(() => release);
    const urgent = await ex.add({ name: 'urgent', deadline: 100, traceId: 'trace-e' });
    const done = await waitFor(async () => {
      const instance = await ex.get(urgent.id);
      return instance.status === Status.EXPIRED ? instance : null;
    });
    expect(expired).toEqual([urgent.id]);
    expect(done.attempt).toBe(0);
    expect(done.history.some((e) => e.type === EventType.EXPIRED)).toBe(true);
    // The blocker still runs: expiry did not need its worker.
    expect(await ex.count({ name: 'blocker', status: Status.STARTED })).toBe(1);
    release();
    const [notify] = await waitFor(() => ex.find({ name: 'notify', status: Status.COMPLETED }).then((r) => (r.length ? r : null)));
    expect([notify!.parentId, notify!.traceId, notify!.correlationId]).toEqual([urgent.id, 'trace-e', urgent.id]);
  });

  it('expires an instance whose delay outlasts its deadline, without running it', async () => {
    const ex = await executor();
    let ran = false;
    ex.handle('tooLate', () => void (ran = true));
    await ex.start();
    const added = await ex.add({ name: 'tooLate', delay: 10_000, deadline: 80 });
    await waitFor(async () => (await ex.get(added.id)).status === Status.EXPIRED);
    expect(ran).toBe(false);
  });

  it('reclaims an instance whose process died once its lease expired, spending a retry', async () => {
    const store = await storage();
    const ex = await executor({ stuckRecovery: { interval: 50 } });
    let runs = 0;
    ex.handle('orphan', () => void runs++);
    const added = await ex.add({ name: 'orphan', retries: 1 });
    // A process that claims and then dies: its lease is never renewed.
    await store.claim({ owner: 'dead-worker', limit: 1, leaseMs: 100, now: new Date(), names: ['orphan'] });
    await ex.start();
    const done = await waitFor(async () => {
      const instance = await ex.get(added.id);
      return instance.status === Status.COMPLETED ? instance : null;
    });
    expect(runs).toBe(1);
    expect([done.retries, done.attempt]).toEqual([0, 2]);
    const recovered = done.history.find((e) => e.type === EventType.RECOVERED)!;
    expect(recovered.message).toMatch(/lease of dead-worker expired/);
    expect(done.history.find((e) => e.type === EventType.FAILED)!.error).toMatch(/lease of worker dead-worker expired/);
  });

  it('fails a reclaimed instance that has no retries left (into the dead letter queue)', async () => {
    const store = await storage();
    const ex = await executor({ stuckRecovery: { interval: 50 }, deadLetterQueue: true });
    ex.handle('crasher', () => undefined);
    const added = await ex.add({ name: 'crasher' });
    await store.claim({ owner: 'dead-worker', limit: 1, leaseMs: 50, now: new Date(), names: ['crasher'] });
    await ex.start();
    await waitFor(async () => (await ex.get(added.id)).status === Status.DEAD_LETTER);
  });

  it('never reclaims a slow job whose process is alive and renewing its lease', async () => {
    const worker = await executor({ lease: { duration: 150, renewInterval: 40 } });
    const watcher = await executor({ stuckRecovery: { interval: 30 }, lease: { duration: 150, renewInterval: 40 } });
    let runs = 0;
    worker.handle('slow', async () => {
      runs++;
      await delay(600);
    });
    watcher.handle('other', () => undefined);
    await worker.start();
    await watcher.start();
    const added = await worker.add({ name: 'slow', retries: 3 });
    const done = await waitFor(async () => {
      const instance = await worker.get(added.id);
      return instance.status === Status.COMPLETED ? instance : null;
    });
    expect(runs).toBe(1);
    expect([done.attempt, done.retries]).toEqual([1, 3]);
  });

  it('keeps one instance of a permanent command and restarts it when it ends', async () => {
    const ex = await executor({ permanentCommands: ['consumer'], pollInterval: 30 });
    let runs = 0;
    ex.handle('consumer', () => {
      runs++;
      if (runs === 1) throw new Error('crashed');
    });
    await ex.start();
    await waitFor(() => runs >= 3, { timeout: 5_000 });
    expect(await ex.count({ name: 'consumer', status: [Status.PENDING, Status.STARTED] })).toBeLessThanOrEqual(1);
    expect(await ex.count({ name: 'consumer', status: Status.FAILED })).toBe(1);
  });

  it('runs a schedule exactly once per tick across executors sharing the storage', async () => {
    const ticks: string[] = [];
    const executors = [await executor(), await executor(), await executor()];
    for (const ex of executors) {
      ex.handle('tick', (cmd) => void ticks.push(String(cmd.metadata.scheduledFor)), { schedule: { cron: '* * * * * *' } });
      await ex.start();
    }
    await waitFor(() => ticks.length >= 3, { timeout: 10_000 });
    await Promise.all(executors.map((ex) => ex.stop()));
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(await executors[0]!.count({ tags: ['durex:schedule'], status: [Status.PENDING, Status.REPEATING, Status.STARTED] })).toBe(1);
    const seconds = ticks.map((t) => Date.parse(t)).sort((a, b) => a - b);
    for (let i = 1; i < seconds.length; i++) expect(seconds[i]! - seconds[i - 1]!).toBe(1_000);
  });

  it('leaves the schedules of commands it does not know to the processes that do', async () => {
    const knows = await executor();
    const other = await executor();
    const ticks: string[] = [];
    knows.handle('report', (cmd) => void ticks.push(String(cmd.metadata.scheduledFor)));
    other.handle('unrelated', () => undefined);
    await other.start();
    await knows.schedule('everySecond', '* * * * * *', { name: 'report' });
    await knows.start();
    await waitFor(() => ticks.length >= 2, { timeout: 10_000 });
    expect(await other.count({ status: Status.FAILED })).toBe(0);
    expect((await other.schedules()).map((s) => s.name)).toEqual(['everySecond']);
  });

  it('lets a producer-only executor enqueue what another executor handles', async () => {
    const producer = await executor({ commands: ['report'] });
    const worker = await executor();
    let ran = '';
    worker.handle('report', (cmd) => void (ran = cmd.getString('month')));
    await producer.start();
    await worker.start();
    const added = await producer.add({ name: 'report', data: { month: '2026-11' } });
    await waitFor(async () => (await producer.get(added.id)).status === Status.COMPLETED);
    expect(ran).toBe('2026-11');
  });
});
