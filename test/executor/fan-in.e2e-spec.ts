import {
  CommandNotFoundError,
  constantBackoff,
  type DependencyOutcome,
  EventType,
  type Executor,
  InvalidSpecError,
  isWaiting,
  PermanentError,
  Result,
  Status,
} from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { delay, useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

/** What one run of a continuation saw. */
interface ThenRun {
  id: string;
  startedAt: number;
  outcomes: DependencyOutcome<{ n: number; square?: number }>[];
}

/** Registers `then`, recording every run with the outcomes it read. */
function recordThen(ex: Executor, name = 'then'): ThenRun[] {
  const runs: ThenRun[] = [];
  ex.handle(name, async (instance, ctx) => {
    const startedAt = Date.now();
    runs.push({ id: instance.id, startedAt, outcomes: await ctx.outcomes<{ n: number; square?: number }>() });
  });
  return runs;
}

/** The latest `completedAt` among instances, as epoch ms. */
async function lastEnd(ex: Executor, ids: readonly string[]): Promise<number> {
  const ends = await Promise.all(ids.map(async (id) => (await ex.get(id)).completedAt!.getTime()));
  return Math.max(...ends);
}

describe.each(STORAGE_KINDS)('fan-in on %s', (kind) => {
  const { executor, storage } = useExecutors(kind);

  it('runs the continuation once, after every child ended, with their outcomes and data in order', async () => {
    const ex = await executor({ parallelism: 8 });
    ex.handle('fanOut', () => Result.spawnThen([5, 1, 3, 0].map((n) => ({ name: 'square', data: { n } })), { name: 'then', data: { label: 'sum' } }));
    ex.handle('square', async (instance) => {
      // Different lengths, so the children end in another order than they were listed.
      await delay(instance.getNumber('n') * 15);
      instance.set('square', instance.getNumber('n') ** 2);
    });
    const runs = recordThen(ex);
    await ex.start();
    const parent = await ex.add({ name: 'fanOut' });
    await waitFor(async () => (await ex.count({ name: 'then', status: Status.COMPLETED })) === 1);
    await delay(100);

    expect(runs).toHaveLength(1);
    const children = await ex.find({ parentId: parent.id, name: 'square' });
    const idOf = (n: number) => children.find((child) => child.getNumber('n') === n)!.id;
    const [run] = runs;
    expect(run!.outcomes.map(({ id, name, status, error, data }) => ({ id, name, status, error, data }))).toEqual(
      [5, 1, 3, 0].map((n) => ({ id: idOf(n), name: 'square', status: Status.COMPLETED, error: null, data: { n, square: n * n } })),
    );
    expect(run!.startedAt).toBeGreaterThanOrEqual(await lastEnd(ex, children.map((c) => c.id)));
    const then = await ex.get(run!.id);
    expect([then.parentId, then.data, then.correlationId]).toEqual([parent.id, { label: 'sum' }, parent.id]);
    expect(then.history.filter((e) => e.type === EventType.STARTED)).toHaveLength(1);
    expect(await ex.outcomes(then.id)).toEqual(run!.outcomes);
  });

  it('waits while children retry, and sees a failed child as FAILED with its error', async () => {
    const ex = await executor({ parallelism: 4, backoff: constantBackoff(150) });
    ex.handle('fanOut', () =>
      Result.spawnThen(
        [
          { name: 'flaky', data: { n: 1 }, retries: 2 },
          { name: 'broken', data: { n: 2 }, retries: 1 },
          { name: 'square', data: { n: 3 } },
        ],
        { name: 'then' },
      ),
    );
    ex.handle('flaky', (instance) => {
      if (instance.attempt < 3) throw new Error(`flaky attempt ${instance.attempt}`);
    });
    ex.handle('broken', () => {
      throw new Error('broken for good');
    });
    ex.handle('square', () => undefined);
    const runs = recordThen(ex);
    await ex.start();
    const parent = await ex.add({ name: 'fanOut' });
    await waitFor(() => runs.length === 1);
    await delay(100);

    expect(runs).toHaveLength(1);
    const byName = Object.fromEntries(runs[0]!.outcomes.map((o) => [o.name, { status: o.status, error: o.error }]));
    expect(byName).toEqual({
      flaky: { status: Status.COMPLETED, error: null },
      broken: { status: Status.FAILED, error: 'broken for good' },
      square: { status: Status.COMPLETED, error: null },
    });
    const [flaky] = await ex.find({ parentId: parent.id, name: 'flaky' });
    expect(flaky!.attempt).toBe(3);
    const all = await ex.find({ parentId: parent.id });
    const childIds = all.filter((i) => i.name !== 'then').map((i) => i.id);
    expect(runs[0]!.startedAt).toBeGreaterThanOrEqual(await lastEnd(ex, childIds));
  });

  it('sees a dead-lettered child as DEAD_LETTER, and does not run again when it is replayed', async () => {
    const ex = await executor({ parallelism: 4, deadLetterQueue: true });
    let failing = true;
    ex.handle('fanOut', () => Result.spawnThen([{ name: 'fragile', data: { n: 7 } }, { name: 'square', data: { n: 2 } }], { name: 'then' }));
    ex.handle('fragile', (instance) => {
      if (failing) throw new PermanentError('fragile gave up');
      instance.set('square', 49);
    });
    ex.handle('square', () => undefined);
    const runs = recordThen(ex);
    await ex.start();
    const parent = await ex.add({ name: 'fanOut' });
    await waitFor(() => runs.length === 1);
    expect(runs[0]!.outcomes.map((o) => [o.name, o.status, o.error])).toEqual([
      ['fragile', Status.DEAD_LETTER, 'fragile gave up'],
      ['square', Status.COMPLETED, null],
    ]);

    const [fragile] = await ex.find({ parentId: parent.id, name: 'fragile' });
    failing = false;
    await ex.replayFromDLQ(fragile!.id);
    await waitFor(async () => (await ex.get(fragile!.id)).status === Status.COMPLETED);
    await delay(200);
    expect(runs).toHaveLength(1);
    // The outcome is the one recorded when the child first ended.
    expect((await ex.outcomes(runs[0]!.id))[0]!.status).toBe(Status.DEAD_LETTER);
  });

  it('runs a continuation with no children at once, with no outcomes', async () => {
    const ex = await executor();
    ex.handle('fanOut', () => Result.spawnThen([], { name: 'then', data: { empty: true } }));
    const runs = recordThen(ex);
    await ex.start();
    await ex.add({ name: 'fanOut' });
    await waitFor(() => runs.length === 1);
    expect(runs[0]!.outcomes).toEqual([]);
  });

  it('keeps the continuation waiting (PENDING, never claimed) until its children end, and cancelled children count as ended', async () => {
    const ex = await executor();
    ex.handle('fanOut', () =>
      Result.spawnThen([1, 2, 3].map((n) => ({ name: 'square', data: { n }, delay: 60_000, tags: ['slow'] })), { name: 'then' }),
    );
    ex.handle('square', () => undefined);
    const runs = recordThen(ex);
    await ex.start();
    const parent = await ex.add({ name: 'fanOut' });
    const waiting = await waitFor(async () => (await ex.find({ parentId: parent.id, name: 'then' }))[0]);
    expect([waiting.status, isWaiting(waiting)]).toEqual([Status.PENDING, true]);
    await delay(150);
    expect(runs).toHaveLength(0);

    expect(await ex.cancelByTag('slow')).toBe(3);
    await waitFor(() => runs.length === 1);
    expect(runs[0]!.outcomes.map((o) => o.status)).toEqual([Status.CANCELLED, Status.CANCELLED, Status.CANCELLED]);
    expect(isWaiting(await ex.get(waiting.id))).toBe(false);
  });

  it('a cancelled continuation never runs when its children end', async () => {
    const ex = await executor();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    ex.handle('fanOut', () => Result.spawnThen([{ name: 'gated' }], { name: 'then' }));
    ex.handle('gated', () => gate);
    const runs = recordThen(ex);
    await ex.start();
    const parent = await ex.add({ name: 'fanOut' });
    const waiting = await waitFor(async () => (await ex.find({ parentId: parent.id, name: 'then' }))[0]);
    await ex.cancel(waiting.id);
    release();
    await waitFor(async () => (await ex.count({ name: 'gated', status: Status.COMPLETED })) === 1);
    await delay(150);
    expect(runs).toHaveLength(0);
    expect((await ex.get(waiting.id)).status).toBe(Status.CANCELLED);
  });

  it('dependsOn: ended instances count at once, running ones are waited for', async () => {
    const ex = await executor();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    ex.handle('square', (instance) => instance.set('square', instance.getNumber('n') ** 2));
    ex.handle('broken', () => {
      throw new PermanentError('no');
    });
    ex.handle('gated', () => gate);
    const runs = recordThen(ex, 'report');
    await ex.start();
    const done = await ex.add({ name: 'square', data: { n: 4 } });
    const failed = await ex.add({ name: 'broken', data: { n: 0 } });
    await waitFor(async () => (await ex.get(done.id)).status === Status.COMPLETED && (await ex.get(failed.id)).status === Status.FAILED);

    const atOnce = await ex.add({ name: 'report', dependsOn: [done.id, failed.id] });
    expect(isWaiting(atOnce)).toBe(false);
    await waitFor(() => runs.length === 1);
    expect(runs[0]!.outcomes.map((o) => [o.id, o.status, o.data])).toEqual([
      [done.id, Status.COMPLETED, { n: 4, square: 16 }],
      [failed.id, Status.FAILED, { n: 0 }],
    ]);

    const running = await ex.add({ name: 'gated', data: { n: 9 } });
    const later = await ex.add({ name: 'report', dependsOn: [done.id, running.id, done.id] });
    expect(isWaiting(later)).toBe(true);
    await delay(150);
    expect(runs).toHaveLength(1);
    release();
    await waitFor(() => runs.length === 2);
    expect(runs[1]!.id).toBe(later.id);
    expect(runs[1]!.outcomes.map((o) => [o.id, o.status])).toEqual([
      [done.id, Status.COMPLETED],
      [running.id, Status.COMPLETED],
    ]);
    expect(runs[1]!.startedAt).toBeGreaterThanOrEqual(await lastEnd(ex, [running.id]));
  });

  it('rejects what fan-in cannot honour, with typed errors', async () => {
    const ex = await executor({ defaultRetries: 0 });
    ex.handle('square', () => undefined);
    ex.handle('keyed', () => Result.spawnThen([{ name: 'square', uniqueKey: 'k' }], { name: 'square' }));
    ex.handle('late', () => Result.spawnThen([{ name: 'square' }], { name: 'square', delay: 10 }));
    ex.handle('nested', () => Result.spawn({ name: 'square', dependsOn: ['x'] }));
    await expect(ex.add({ name: 'square', dependsOn: ['no-such-id'] })).rejects.toBeInstanceOf(CommandNotFoundError);
    await expect(ex.add({ name: 'square', dependsOn: ['a'], delay: 5 })).rejects.toBeInstanceOf(InvalidSpecError);
    await expect(ex.add({ name: 'square', dependsOn: [''] })).rejects.toBeInstanceOf(InvalidSpecError);
    await expect(ex.schedule('nightly', '0 3 * * *', { name: 'square', dependsOn: ['a'] })).rejects.toBeInstanceOf(InvalidSpecError);
    expect(await ex.count({ name: 'square' })).toBe(0);
    await ex.start();
    const added = await Promise.all(['keyed', 'late', 'nested'].map((name) => ex.add({ name })));
    await waitFor(async () => (await ex.count({ status: Status.FAILED })) === 3);
    const errors = await Promise.all(added.map(async ({ id }) => (await ex.get(id)).error));
    expect(errors).toEqual([
      expect.stringContaining('result.commands[0].uniqueKey'),
      expect.stringContaining('result.then.delay'),
      expect.stringContaining('result.commands[0].dependsOn'),
    ]);
    expect(await ex.count({ name: 'square' })).toBe(0);
  });

  it('deleting a waiter deletes its edges', async () => {
    const ex = await executor();
    ex.handle('square', () => undefined);
    const runs = recordThen(ex, 'report');
    await ex.start();
    const done = await ex.add({ name: 'square' });
    await waitFor(async () => (await ex.get(done.id)).status === Status.COMPLETED);
    const report = await ex.add({ name: 'report', dependsOn: [done.id] });
    await waitFor(() => runs.length === 1);
    const store = await storage();
    expect(await store.dependencyOutcomes(report.id)).toHaveLength(1);
    await store.delete([report.id]);
    expect(await store.dependencyOutcomes(report.id)).toEqual([]);
    await expect(ex.outcomes(report.id)).rejects.toBeInstanceOf(CommandNotFoundError);
  });
});
