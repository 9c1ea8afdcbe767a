import {
  CommandAbortedError,
  CommandNotFoundError,
  DuplicateCommandError,
  EventType,
  InvalidSpecError,
  InvalidStateError,
  type Middleware,
  Result,
  Status,
  UnknownCommandError,
} from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { delay, useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

describe.each(STORAGE_KINDS)('executor control on %s', (kind) => {
  const { executor, storage } = useExecutors(kind);

  it('cancels a pending instance so it never runs', async () => {
    const ex = await executor();
    let runs = 0;
    ex.handle('later', () => void runs++);
    await ex.start();
    const added = await ex.add({ name: 'later', delay: 200 });
    await ex.cancel(added.id);
    await delay(300);
    const cancelled = await ex.get(added.id);
    expect([cancelled.status, runs]).toEqual([Status.CANCELLED, 0]);
    expect(cancelled.history.map((e) => e.type)).toEqual([EventType.CREATED, EventType.CANCELLED]);
  });

  it('cancelling a running instance aborts its signal and discards its late result', async () => {
    const ex = await executor();
    let reason: unknown;
    let returned = false;
    ex.handle('long', async (_cmd, ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      reason = ctx.signal.reason;
      returned = true;
      return Result.next({ name: 'child' });
    });
    ex.handle('child', () => undefined);
    await ex.start();
    const added = await ex.add({ name: 'long' });
    await waitFor(async () => (await ex.get(added.id)).status === Status.STARTED);
    await ex.cancel(added.id);
    await waitFor(() => returned);
    await delay(50);
    const after = await ex.get(added.id);
    expect(after.status).toBe(Status.CANCELLED);
    expect(reason).toBeInstanceOf(CommandAbortedError);
    expect(after.history.some((e) => e.type === EventType.COMPLETED)).toBe(false);
    expect(await ex.count({ name: 'child' })).toBe(0);
  });

  it('refuses to cancel what is finished or missing', async () => {
    const ex = await executor();
    ex.handle('quick', () => undefined);
    await ex.start();
    const added = await ex.add({ name: 'quick' });
    await waitFor(async () => (await ex.get(added.id)).status === Status.COMPLETED);
    await expect(ex.cancel(added.id)).rejects.toBeInstanceOf(InvalidStateError);
    await expect(ex.cancel('no-such-id')).rejects.toBeInstanceOf(CommandNotFoundError);
    await expect(ex.get('no-such-id')).rejects.toBeInstanceOf(CommandNotFoundError);
  });

  it('cancels every active instance with a tag', async () => {
    const ex = await executor();
    ex.handle('batch', () => undefined);
    for (let i = 0; i < 5; i++) await ex.add({ name: 'batch', tags: ['batch:1'], delay: 60_000 });
    await ex.add({ name: 'batch', tags: ['batch:2'], delay: 60_000 });
    expect(await ex.cancelByTag('batch:1')).toBe(5);
    expect(await ex.count({ status: Status.CANCELLED })).toBe(5);
    expect(await ex.count({ status: Status.PENDING, tags: ['batch:2'] })).toBe(1);
    expect(await ex.cancelByTag('batch:1')).toBe(0);
  });

  it('rejects a second active instance with the same unique key, and frees the key once the first is done', async () => {
    const ex = await executor();
    ex.handle('welcome', () => undefined);
    const first = await ex.add({ name: 'welcome', uniqueKey: 'welcome:42', delay: 150 });
    const error = await ex.add({ name: 'welcome', uniqueKey: 'welcome:42' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateCommandError);
    expect((error as DuplicateCommandError).uniqueKey).toBe('welcome:42');
    await expect(ex.addMany([{ name: 'welcome', uniqueKey: 'k:a' }, { name: 'welcome', uniqueKey: 'k:a' }])).rejects.toBeInstanceOf(DuplicateCommandError);
    expect(await ex.count({ name: 'welcome' })).toBe(1);
    await ex.start();
    await waitFor(async () => (await ex.get(first.id)).status === Status.COMPLETED);
    const again = await ex.add({ name: 'welcome', uniqueKey: 'welcome:42' });
    expect(again.id).not.toBe(first.id);
  });

  it('never exceeds per-command and global concurrency limits under load', async () => {
    const ex = await executor({ parallelism: 8, rateLimits: { email: 2 }, globalRateLimit: 5, claimBatchSize: 8 });
    const current = { email: 0, sms: 0, all: 0 };
    const peak = { email: 0, sms: 0, all: 0 };
    const make = (name: 'email' | 'sms') => async () => {
      current[name]++;
      current.all++;
      peak[name] = Math.max(peak[name], current[name]);
      peak.all = Math.max(peak.all, current.all);
      await delay(15);
      current[name]--;
      current.all--;
    };
    ex.handle('email', make('email'));
    ex.handle('sms', make('sms'));
    await ex.addMany(Array.from({ length: 40 }, (_, i) => ({ name: i % 2 ? 'email' : 'sms' })));
    await ex.start();
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 40, { timeout: 20_000 });
    expect(peak.email).toBe(2);
    expect(peak.all).toBeLessThanOrEqual(5);
    expect(peak.all).toBeGreaterThanOrEqual(3);
  });

  it('runs middleware in order around the handler and lets it short-circuit', async () => {
    const order: string[] = [];
    const outer: Middleware = async (ctx, next) => {
      order.push(`outer>${ctx.instance.name}`);
      const result = await next();
      order.push('outer<');
      return result;
    };
    const inner: Middleware = async (ctx, next) => {
      if (ctx.instance.getBool('skip')) return Result.empty();
      order.push('inner>');
      return next();
    };
    const ex = await executor({ middleware: [outer, inner] });
    ex.handle('task', () => void order.push('handler'));
    await ex.start();
    const a = await ex.add({ name: 'task' });
    await waitFor(async () => (await ex.get(a.id)).status === Status.COMPLETED);
    const b = await ex.add({ name: 'task', data: { skip: true } });
    await waitFor(async () => (await ex.get(b.id)).status === Status.COMPLETED);
    expect(order).toEqual(['outer>task', 'inner>', 'handler', 'outer<', 'outer>task', 'outer<']);
  });

  it('rejects unknown commands and malformed specs before storing anything', async () => {
    const ex = await executor({ commands: ['remote'] });
    ex.handle('local', () => undefined);
    const unknown = await ex.add({ name: 'nope' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UnknownCommandError);
    expect((unknown as Error).message).toMatch(/Known commands: local, remote/);
    const bad = [
      { name: '' },
      { name: 'local', retries: -1 },
      { name: 'local', delay: Number.NaN },
      { name: 'local', timeout: 1.5 },
      { name: 'local', data: [] },
      { name: 'local', data: { when: new Date() } },
      { name: 'local', data: { n: 10n } },
      { name: 'local', data: { x: Infinity } },
      { name: 'local', tags: 'a' },
      { name: 'local', priority: 2 ** 40 },
      { name: 'local', deadlineAt: new Date('nope') },
      { name: 'local', unknownField: 1 },
      { name: 'local', data: { s: 'a\u0000b' } },
    ];
    for (const spec of bad) await expect(ex.add(spec as never), JSON.stringify(spec, (_k, v) => (typeof v === 'bigint' ? 'bigint' : v))).rejects.toBeInstanceOf(InvalidSpecError);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(ex.add({ name: 'local', data: circular })).rejects.toThrow(/circular/);
    await expect(ex.addMany([{ name: 'local' }, { name: 'local', retries: -1 }])).rejects.toThrow(/specs\[1\]\.retries/);
    expect(await ex.count()).toBe(0);
    // Declared names handled by another process may be enqueued.
    expect((await ex.add({ name: 'remote' })).status).toBe(Status.PENDING);
  });

  it('rejects oversized payloads with the limit in the message', async () => {
    const ex = await executor({ maxPayloadBytes: 1_024 });
    ex.handle('big', () => undefined);
    await expect(ex.add({ name: 'big', data: { blob: 'x'.repeat(2_000) } })).rejects.toThrow(/over the limit of 1024 bytes/);
    expect(await ex.count()).toBe(0);
  });

  it('reports stats by status and by name', async () => {
    const ex = await executor({ parallelism: 3, rateLimits: { a: 1 } });
    ex.handle('a', () => undefined);
    ex.handle('b', () => { throw new Error('x'); });
    await ex.start();
    await ex.add({ name: 'a' });
    await ex.add({ name: 'b' });
    await ex.add({ name: 'a', delay: 60_000 });
    await waitFor(async () => (await ex.count({ status: [Status.COMPLETED, Status.FAILED] })) === 2);
    const stats = await ex.stats();
    expect(stats.byStatus).toMatchObject({ PENDING: 1, COMPLETED: 1, FAILED: 1, STARTED: 0 });
    expect([stats.pending, stats.completed, stats.failed, stats.queueSize]).toEqual([1, 1, 1, 1]);
    expect(stats.byName).toEqual({ a: 2, b: 1 });
    expect([stats.registeredCommands, stats.workerCount]).toEqual([2, 3]);
    expect(stats.rateLimit.commands).toEqual({ a: { limit: 1, current: 0 } });
  });

  it('cleans up old finished instances in batches but keeps active and dead-lettered ones', async () => {
    const ex = await executor({ deadLetterQueue: true, cleanup: { olderThan: 0, batchSize: 2, interval: 3_600_000 } });
    ex.handle('ok', () => undefined);
    ex.handle('bad', () => { throw new Error('x'); });
    await ex.start();
    for (let i = 0; i < 5; i++) await ex.add({ name: 'ok' });
    await ex.add({ name: 'bad' });
    await ex.add({ name: 'ok', delay: 60_000 });
    await waitFor(async () => (await ex.count({ status: [Status.COMPLETED, Status.DEAD_LETTER] })) === 6);
    await delay(5);
    expect(await ex.cleanup()).toBe(5);
    expect(await (await storage()).countBy('status')).toEqual({ PENDING: 1, DEAD_LETTER: 1 });
  });

  it('emits lifecycle events once each change is stored, and survives a failing listener', async () => {
    const ex = await executor({ deadLetterQueue: true });
    const seen: string[] = [];
    ex.on('*', (event) => void seen.push(`${event.instance.getString('k')}:${event.type}:${event.instance.status}`));
    const completed: number[] = [];
    ex.on('completed', (event) => void completed.push(event.durationMs ?? -1));
    ex.on('completed', () => {
      throw new Error('listener bug');
    });
    ex.handle('ok', () => undefined);
    ex.handle('bad', () => { throw new Error('no'); });
    ex.handle('slow', () => undefined);
    await ex.start();
    const ok = await ex.add({ name: 'ok', data: { k: 'ok' } });
    const bad = await ex.add({ name: 'bad', data: { k: 'bad' }, retries: 1 });
    const cancelled = await ex.add({ name: 'slow', data: { k: 'c' }, delay: 60_000 });
    await ex.cancel(cancelled.id);
    await waitFor(async () => (await ex.get(ok.id)).status === Status.COMPLETED && (await ex.get(bad.id)).status === Status.DEAD_LETTER);
    await waitFor(() => seen.filter((e) => e.startsWith('bad:')).length === 5);
    expect(seen.filter((e) => e.startsWith('ok:'))).toEqual(['ok:enqueued:PENDING', 'ok:started:STARTED', 'ok:completed:COMPLETED']);
    expect(seen.filter((e) => e.startsWith('bad:'))).toEqual([
      'bad:enqueued:PENDING', 'bad:started:STARTED', 'bad:retrying:PENDING', 'bad:started:STARTED', 'bad:deadLettered:DEAD_LETTER',
    ]);
    expect(seen.filter((e) => e.startsWith('c:'))).toEqual(['c:enqueued:PENDING', 'c:cancelled:CANCELLED']);
    expect(completed).toHaveLength(1);
    expect(completed[0]).toBeGreaterThanOrEqual(0);
  });

  it('guards transitions: a writer that lost the instance changes nothing', async () => {
    const store = await storage();
    const ex = await executor();
    ex.handle('x', () => undefined);
    const added = await ex.add({ name: 'x' });
    const [claimed] = await store.claim({ owner: 'w1', limit: 1, leaseMs: 10_000, now: new Date(), names: ['x'] });
    expect(claimed!.id).toBe(added.id);
    const [wrongOwner] = await store.transition([
      { id: added.id, guard: { statuses: [Status.STARTED], leaseOwner: 'w2' }, patch: { status: Status.COMPLETED }, events: [] },
    ]);
    expect(wrongOwner!.applied).toBe(false);
    await ex.cancel(added.id);
    const [late] = await store.transition([
      { id: added.id, guard: { statuses: [Status.STARTED], leaseOwner: 'w1' }, patch: { status: Status.COMPLETED }, events: [] },
    ]);
    expect(late!.applied).toBe(false);
    expect((await ex.get(added.id)).status).toBe(Status.CANCELLED);
  });
});
