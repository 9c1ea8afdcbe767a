import { EventType, type Executor, Executor as DurexExecutor, InvalidOptionsError, InvalidSpecError, MemoryStorage, type Spec, spec, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { delay, useExecutors } from '../support/executor-harness.js';
import { anyOverlap, type Interval, maxInWindow, maxOverlap } from '../support/intervals.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

/** Registers `name` on every executor with a handler that takes `ms` and records its interval by key. */
function recordRuns(executors: readonly Executor[], name: string, ms: number, options = {}, runs = new Map<string, Interval[]>()): Map<string, Interval[]> {
  for (const ex of executors) {
    ex.handle(
      name,
      async (cmd) => {
        const start = Date.now();
        await delay(ms);
        const key = cmd.concurrencyKey ?? '-';
        runs.set(key, [...(runs.get(key) ?? []), { start, end: Date.now() }]);
      },
      options,
    );
  }
  return runs;
}

async function startedTimes(ex: Executor, ids: readonly string[]): Promise<number[]> {
  const histories = await Promise.all(ids.map((id) => ex.history(id)));
  return histories.flatMap((events) => events.filter((e) => e.type === EventType.STARTED).map((e) => e.timestamp.getTime()));
}

describe.each(STORAGE_KINDS)('cluster-wide limits on %s', (kind) => {
  const { executor } = useExecutors(kind);

  it('never runs more instances of a name at once than its concurrency, across executors', async () => {
    const executors = [await executor({ parallelism: 4, concurrency: { job: 3 } }), await executor({ parallelism: 4, concurrency: { job: 3 } })];
    const runs = recordRuns(executors, 'job', 40);
    const added = await executors[0]!.addMany(Array.from({ length: 24 }, () => ({ name: 'job' })));
    await Promise.all(executors.map((ex) => ex.start()));
    await waitFor(async () => (await executors[0]!.count({ status: Status.COMPLETED })) === 24);
    const intervals = runs.get('-')!;
    expect(intervals).toHaveLength(24);
    expect(maxOverlap(intervals)).toBe(3);
    for (const { id } of added) expect((await executors[0]!.get(id)).attempt).toBe(1);
  });

  it("takes a command's own concurrency, and the executor option over it", async () => {
    const own = await executor({ parallelism: 6 });
    const ownRuns = recordRuns([own], 'own', 30, { concurrency: 2 });
    const overridden = await executor({ parallelism: 6, concurrency: { overridden: 1 } });
    const overriddenRuns = recordRuns([overridden], 'overridden', 30, { concurrency: 4 });
    await own.addMany(Array.from({ length: 8 }, () => ({ name: 'own' })));
    await overridden.addMany(Array.from({ length: 5 }, () => ({ name: 'overridden' })));
    await own.start();
    await overridden.start();
    await waitFor(async () => (await own.count({ status: Status.COMPLETED })) === 13);
    expect(maxOverlap(ownRuns.get('-')!)).toBe(2);
    expect(maxOverlap(overriddenRuns.get('-')!)).toBe(1);
  });

  it('runs one instance per concurrency key at a time, and different keys side by side', async () => {
    const executors = [await executor({ parallelism: 4 }), await executor({ parallelism: 4 })];
    const runs = recordRuns(executors, 'sync', 30);
    const reports = recordRuns(executors, 'report', 30);
    const specs: Spec[] = ['tenant:a', 'tenant:b'].flatMap((key) => Array.from({ length: 6 }, () => spec('sync').concurrencyKey(key).build()));
    // A key spans command names: these count against tenant:a too.
    specs.push(...Array.from({ length: 3 }, () => ({ name: 'report', concurrencyKey: 'tenant:a' })));
    specs.push(...Array.from({ length: 6 }, () => ({ name: 'sync' })));
    await executors[0]!.addMany(specs);
    await Promise.all(executors.map((ex) => ex.start()));
    await waitFor(async () => (await executors[0]!.count({ status: Status.COMPLETED })) === specs.length);
    const a = runs.get('tenant:a')!;
    const b = runs.get('tenant:b')!;
    expect([a.length, b.length, runs.get('-')!.length, reports.get('tenant:a')!.length]).toEqual([6, 6, 6, 3]);
    expect(maxOverlap([...a, ...reports.get('tenant:a')!])).toBe(1);
    expect(maxOverlap(b)).toBe(1);
    expect(anyOverlap(a, b)).toBe(true);
    const stored = await executors[0]!.find({ name: 'sync', limit: 100 });
    expect(stored.filter((i) => i.concurrencyKey === 'tenant:b')).toHaveLength(6);
  });

  it('runs up to concurrencyKeyLimit instances of one key at once', async () => {
    const ex = await executor({ parallelism: 6, concurrencyKeyLimit: 2 });
    const runs = recordRuns([ex], 'sync', 30);
    await ex.addMany(Array.from({ length: 8 }, () => ({ name: 'sync', concurrencyKey: 'tenant:c' })));
    await ex.start();
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 8);
    expect(maxOverlap(runs.get('tenant:c')!)).toBe(2);
  });

  it('claims a keyed instance while a backlog of other work fills every claim', async () => {
    const ex = await executor({ parallelism: 2 });
    ex.handle('bulk', async () => delay(10));
    ex.handle('sync', async () => undefined);
    await ex.addMany(Array.from({ length: 400 }, () => ({ name: 'bulk' })));
    await ex.start();
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) >= 10);
    const keyed = await ex.add({ name: 'sync', concurrencyKey: 'tenant:e', priority: 10 });
    await waitFor(async () => (await ex.get(keyed.id)).status === Status.COMPLETED, { timeout: 5_000 });
    // Noticed within about a second (PostgreSQL asks once a second while every claim is full), not after the backlog.
    expect(await ex.count({ name: 'bulk', status: Status.PENDING })).toBeGreaterThan(0);
  });

  it('keeps rate-limited work PENDING with a later readyAt, and runs it when the window frees', async () => {
    const per = 600;
    const ex = await executor({ parallelism: 4, rateLimit: { mail: { max: 3, per } } });
    let ran = 0;
    ex.handle('mail', async () => {
      ran += 1;
    });
    const added = await ex.addMany(Array.from({ length: 7 }, () => ({ name: 'mail' })));
    await ex.start();
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 3);
    const firstStart = Math.min(...(await startedTimes(ex, added.map((i) => i.id))));
    const waiting = await ex.find({ name: 'mail', status: Status.PENDING });
    expect(waiting).toHaveLength(4);
    for (const instance of waiting) expect(instance.readyAt.getTime()).toBeGreaterThanOrEqual(firstStart + per);
    expect(ran).toBe(3);
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 7, { timeout: 5_000 });
    const starts = await startedTimes(ex, added.map((i) => i.id));
    expect(starts).toHaveLength(7);
    expect(maxInWindow(starts, per)).toBeLessThanOrEqual(3);
    // Seven starts at three per window need a third window: the last starts two windows after the first.
    expect(Math.max(...starts) - firstStart).toBeGreaterThanOrEqual(2 * per);
    expect(await ex.count({ status: [Status.FAILED, Status.DEAD_LETTER] })).toBe(0);
    for (const { id } of added) expect((await ex.get(id)).attempt).toBe(1);
  });

  it('claims limited names for free workers only, never into the prefetch buffer', async () => {
    const ex = await executor({ parallelism: 2, prefetch: 8, concurrency: { capped: 10 }, rateLimit: { paced: { max: 100, per: 60_000 } } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    ex.handle('capped', async () => held);
    ex.handle('paced', async () => held);
    await ex.addMany([...Array.from({ length: 6 }, () => ({ name: 'capped' })), ...Array.from({ length: 6 }, () => ({ name: 'paced' }))]);
    await ex.start();
    await waitFor(async () => (await ex.count({ status: Status.STARTED })) === 2);
    await delay(150);
    expect(await ex.count({ status: Status.STARTED })).toBe(2);
    release();
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 12);
  });

  it('does not spin while a limit holds ready work back', async () => {
    const ex = await executor({ parallelism: 4, pollInterval: 1_000 });
    const storage = ex.storage;
    let claims = 0;
    const claim = storage.claim.bind(storage);
    storage.claim = (request) => {
      claims += 1;
      return claim(request);
    };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    ex.handle('sync', async () => held);
    await ex.addMany(Array.from({ length: 3 }, () => ({ name: 'sync', concurrencyKey: 'tenant:d' })));
    await ex.start();
    await waitFor(async () => (await ex.count({ status: Status.STARTED })) === 1);
    const before = claims;
    await delay(600);
    // At most the fallback poll (1 s) and the overdue check beside it; a retry loop would claim every few ms.
    expect(claims - before).toBeLessThanOrEqual(2);
    release();
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 3);
  });
});

describe('cluster-wide limit options', () => {
  it('rejects bad limits and bad concurrency keys with typed errors', async () => {
    const storage = new MemoryStorage();
    expect(() => new DurexExecutor(storage, { concurrency: { job: 0 } })).toThrow(InvalidOptionsError);
    expect(() => new DurexExecutor(storage, { concurrency: { 'bad name': 1 } })).toThrow(InvalidOptionsError);
    expect(() => new DurexExecutor(storage, { concurrencyKeyLimit: 1.5 })).toThrow(InvalidOptionsError);
    expect(() => new DurexExecutor(storage, { rateLimit: { job: { max: 0, per: 1000 } } })).toThrow(/rateLimit\.job\.max/);
    expect(() => new DurexExecutor(storage, { rateLimit: { job: { max: 1, per: -1 } } })).toThrow(/rateLimit\.job\.per/);
    const ex = new DurexExecutor(storage);
    expect(() => ex.handle('job', async () => undefined, { concurrency: -1 })).toThrow(InvalidOptionsError);
    ex.handle('ok', async () => undefined);
    await expect(ex.add({ name: 'ok', concurrencyKey: '' })).rejects.toThrow(InvalidSpecError);
    await expect(ex.add({ name: 'ok', concurrencyKey: 'x'.repeat(256) })).rejects.toThrow(/concurrencyKey/);
  });
});
