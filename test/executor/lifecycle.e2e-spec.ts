import { DuplicateCommandError, EventType, Result, runWithTraceContext, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { delay, useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

describe.each(STORAGE_KINDS)('executor lifecycle on %s', (kind) => {
  const { executor } = useExecutors(kind);

  it('runs a command and records created, started and completed', async () => {
    const ex = await executor();
    const greeted: string[] = [];
    ex.handle('greet', (cmd) => void greeted.push(cmd.getString('name')));
    await ex.start();
    const added = await ex.add({ name: 'greet', data: { name: 'World' } });
    const done = await waitFor(async () => ((await ex.get(added.id)).status === Status.COMPLETED ? ex.get(added.id) : null));
    expect(greeted).toEqual(['World']);
    expect(done.history.map((e) => e.type)).toEqual([EventType.CREATED, EventType.STARTED, EventType.COMPLETED]);
    expect(done.attempt).toBe(1);
    expect(done.startedAt).toBeInstanceOf(Date);
    expect(done.completedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt!.getTime());
    expect(done.leaseOwner).toBeNull();
  });

  it('persists progress reported by a running handler, visible before it finishes', async () => {
    const ex = await executor();
    let release!: () => void;
    const reported: unknown[] = [];
    ex.on('progress', (event) => void reported.push(event.instance.metadata.progress));
    ex.handle('import', async (_cmd, ctx) => {
      await ctx.progress({ done: 50, of: 100 });
      await new Promise<void>((resolve) => (release = resolve));
      await ctx.progress({ done: 100, of: 100 });
    });
    await ex.start();
    const added = await ex.add({ name: 'import', metadata: { source: 'upload' } });
    await waitFor(async () => (await ex.get(added.id)).metadata.progress !== undefined);
    expect((await ex.get(added.id)).metadata).toEqual({ source: 'upload', progress: { done: 50, of: 100 } });
    release();
    await waitFor(async () => (await ex.get(added.id)).status === Status.COMPLETED);
    expect((await ex.get(added.id)).metadata.progress).toEqual({ done: 100, of: 100 });
    expect(reported).toEqual([{ done: 50, of: 100 }, { done: 100, of: 100 }]);
  });

  it('runs ready instances by priority, highest first', async () => {
    const ex = await executor({ parallelism: 1, claimBatchSize: 1 });
    const order: number[] = [];
    ex.handle('job', (cmd) => void order.push(cmd.getInt('p')));
    for (const p of [1, 5, -3, 10, 0]) await ex.add({ name: 'job', data: { p }, priority: p });
    await ex.start();
    await waitFor(() => order.length === 5);
    expect(order).toEqual([10, 5, 1, 0, -3]);
  });

  it('holds a delayed instance until its readyAt and then starts it promptly', async () => {
    const ex = await executor({ pollInterval: 5_000 });
    let startedAt = 0;
    ex.handle('later', () => void (startedAt = Date.now()));
    await ex.start();
    const added = await ex.add({ name: 'later', delay: 300 });
    expect(added.readyAt.getTime() - added.createdAt.getTime()).toBe(300);
    await waitFor(() => startedAt > 0, { timeout: 3_000 });
    expect(startedAt).toBeGreaterThanOrEqual(added.readyAt.getTime());
    // Woken by its own readyAt, not by the (5 s) poll.
    expect(startedAt - added.readyAt.getTime()).toBeLessThan(1_000);
  });

  it('spawns children with Next and Spawn, each with its parent id', async () => {
    const ex = await executor();
    const processed: string[] = [];
    ex.handle('fanOut', () => Result.spawn(...['a', 'b', 'c'].map((item) => ({ name: 'process', data: { item } }))));
    ex.handle('process', (cmd) => {
      processed.push(cmd.getString('item'));
      return cmd.getString('item') === 'a' ? Result.next({ name: 'after', data: {} }) : undefined;
    });
    ex.handle('after', () => undefined);
    await ex.start();
    const root = await ex.add({ name: 'fanOut' });
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 5);
    expect(processed.sort()).toEqual(['a', 'b', 'c']);
    const children = await ex.find({ parentId: root.id });
    expect(children.map((c) => c.name)).toEqual(['process', 'process', 'process']);
    const a = children.find((c) => c.getString('item') === 'a')!;
    const [after] = await ex.find({ parentId: a.id });
    expect(after!.name).toBe('after');
    expect((await ex.get(a.id)).history[0]!.type).toBe(EventType.CREATED);
  });

  it('passes accumulated data along a sequence', async () => {
    const ex = await executor();
    const seen: Record<string, unknown>[] = [];
    ex.handle('validate', (cmd) => {
      cmd.set('validated', true);
      return cmd.continueSequence();
    });
    ex.handle('charge', (cmd) => {
      seen.push({ ...cmd.data });
      return cmd.continueSequence({ charged: 42 });
    });
    ex.handle('ship', (cmd) => {
      seen.push({ ...cmd.data, sequence: cmd.sequence });
      return cmd.continueSequence();
    });
    await ex.start();
    const root = await ex.add({ name: 'validate', sequence: ['charge', 'ship'], data: { orderId: 'o-1' } });
    await waitFor(() => seen.length === 2);
    expect(seen[0]).toEqual({ orderId: 'o-1', validated: true });
    expect(seen[1]).toEqual({ orderId: 'o-1', validated: true, charged: 42, sequence: [] });
    // The handler's change to data is saved with its outcome.
    await waitFor(async () => (await ex.get(root.id)).status === Status.COMPLETED);
    expect((await ex.get(root.id)).data).toEqual({ orderId: 'o-1', validated: true });
  });

  it("hands a sequence's unique key from step to step until the last one ends", async () => {
    const ex = await executor();
    let releaseSecond!: () => void;
    ex.handle('first', (cmd) => cmd.continueSequence());
    ex.handle('second', (cmd) => new Promise((resolve) => (releaseSecond = () => resolve(cmd.continueSequence()))));
    ex.handle('third', () => undefined);
    await ex.start();
    const root = await ex.add({ name: 'first', sequence: ['second', 'third'], uniqueKey: 'order:1' });
    await waitFor(() => releaseSecond);
    // The first step is done, but its workflow still holds the key.
    expect((await ex.get(root.id)).status).toBe(Status.COMPLETED);
    await expect(ex.add({ name: 'first', uniqueKey: 'order:1' })).rejects.toBeInstanceOf(DuplicateCommandError);
    releaseSecond();
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 3);
    const [third] = await ex.find({ name: 'third' });
    expect(third!.uniqueKey).toBe('order:1');
    expect((await ex.add({ name: 'first', uniqueKey: 'order:1' })).uniqueKey).toBe('order:1');
  });

  it('propagates trace and correlation ids through three generations; the root correlates to itself', async () => {
    const ex = await executor();
    ex.handle('gen1', () => Result.next({ name: 'gen2' }));
    ex.handle('gen2', () => Result.next({ name: 'gen3' }));
    ex.handle('gen3', () => undefined);
    await ex.start();
    const root = await ex.add({ name: 'gen1', traceId: 'trace-123' });
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 3);
    const [gen2] = await ex.find({ parentId: root.id });
    const [gen3] = await ex.find({ parentId: gen2!.id });
    expect(root.correlationId).toBe(root.id);
    for (const instance of [gen2!, gen3!]) {
      expect(instance.traceId).toBe('trace-123');
      expect(instance.correlationId).toBe(root.id);
    }
    expect(gen3!.parentId).toBe(gen2!.id);
    expect(await ex.count({ correlationId: root.id })).toBe(3);
  });

  it('takes trace and correlation from the ambient context, and makes commands added inside a handler its children', async () => {
    const ex = await executor();
    ex.handle('outer', async () => {
      await ex.add({ name: 'inner' });
    });
    ex.handle('inner', () => undefined);
    await ex.start();
    const root = await runWithTraceContext({ traceId: 'req-7', correlationId: 'order-9' }, () => ex.add({ name: 'outer' }));
    expect(root.traceId).toBe('req-7');
    expect(root.correlationId).toBe('order-9');
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 2);
    const [inner] = await ex.find({ name: 'inner' });
    expect(inner!.parentId).toBe(root.id);
    expect(inner!.traceId).toBe('req-7');
    expect(inner!.correlationId).toBe('order-9');
  });

  it('repeats after its period until the handler stops returning Repeat', async () => {
    const ex = await executor();
    let runs = 0;
    ex.handle('heartbeat', () => (++runs < 3 ? Result.repeat() : Result.empty()));
    await ex.start();
    const added = await ex.add({ name: 'heartbeat', period: 60 });
    await waitFor(async () => (await ex.get(added.id)).status === Status.COMPLETED);
    const done = await ex.get(added.id);
    expect(runs).toBe(3);
    expect(done.history.filter((e) => e.type === EventType.REPEATING)).toHaveLength(2);
    const starts = done.history.filter((e) => e.type === EventType.STARTED).map((e) => e.timestamp.getTime());
    expect(starts).toHaveLength(3);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(60);
  });

  it('uses the default repeat interval and spawns children returned with Repeat', async () => {
    const ex = await executor({ defaultRepeatInterval: 40 });
    let runs = 0;
    ex.handle('tick', () => (++runs < 2 ? Result.repeat({ name: 'tock' }) : Result.empty()));
    ex.handle('tock', () => undefined);
    await ex.start();
    const added = await ex.add({ name: 'tick' });
    await waitFor(async () => (await ex.get(added.id)).status === Status.COMPLETED && (await ex.count({ name: 'tock', status: Status.COMPLETED })) === 1);
    const repeating = (await ex.get(added.id)).history.find((e) => e.type === EventType.REPEATING)!;
    const secondStart = (await ex.get(added.id)).history.filter((e) => e.type === EventType.STARTED)[1]!;
    expect(secondStart.timestamp.getTime() - repeating.timestamp.getTime()).toBeGreaterThanOrEqual(40);
    expect((await ex.find({ name: 'tock' }))[0]!.parentId).toBe(added.id);
  });

  it('applies per-command defaults, overridden by the spec', async () => {
    const ex = await executor({ defaultRetries: 1 });
    ex.handle('withDefaults', () => undefined, { retries: 4, priority: 7, timeout: 900, tags: ['mail'] });
    const defaulted = await ex.add({ name: 'withDefaults' });
    const overridden = await ex.add({ name: 'withDefaults', retries: 2, priority: 1, tags: ['urgent'] });
    expect([defaulted.retries, defaulted.priority, defaulted.timeout, defaulted.tags]).toEqual([4, 7, 900, ['mail']]);
    expect([overridden.retries, overridden.maxRetries, overridden.priority, overridden.tags]).toEqual([2, 2, 1, ['mail', 'urgent']]);
  });

  it('keeps running other work while a handler is slow', async () => {
    const ex = await executor({ parallelism: 2 });
    const finished: string[] = [];
    ex.handle('slow', async () => {
      await delay(300);
      finished.push('slow');
    });
    ex.handle('fast', () => void finished.push('fast'));
    await ex.start();
    await ex.add({ name: 'slow' });
    await ex.add({ name: 'fast' });
    await waitFor(() => finished.length === 2);
    expect(finished).toEqual(['fast', 'slow']);
  });
});
