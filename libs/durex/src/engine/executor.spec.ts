import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { constantBackoff, exponentialBackoff, linearBackoff } from '../core/backoff.js';
import { EventType } from '../core/event.js';
import { Result } from '../core/result.js';
import { Status } from '../core/status.js';
import { MemoryStorage } from '../storage/memory.storage.js';
import { Executor } from './executor.js';
import type { ExecutorOptions } from './executor-options.js';
import { defineCommand } from './handler-registry.js';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Timing, exactly, under fake timers: the scheduler must wake when work is due, not at a poll tick. */
describe('executor timing (fake timers)', () => {
  let executor: Executor;
  let started: number;

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    started = Date.now();
  });

  afterEach(async () => {
    // stop() waits on timers (the drain's grace period), which only move when advanced.
    let stopped = false;
    const stopping = executor.stop().then(() => (stopped = true));
    while (!stopped) await vi.advanceTimersByTimeAsync(1_000);
    await stopping;
    vi.useRealTimers();
  });

  function create(options: ExecutorOptions): Executor {
    executor = new Executor(new MemoryStorage(), { logger: quiet, stuckRecovery: false, cleanup: false, pollInterval: 60_000, ...options });
    return executor;
  }

  it('waits exactly the exponential backoff between attempts, capped at its max', async () => {
    const ex = create({ backoff: exponentialBackoff({ initial: 1_000, multiplier: 2, max: 5_000 }) });
    const attempts: number[] = [];
    ex.handle('fail', () => {
      attempts.push(Date.now() - started);
      throw new Error('down');
    });
    await ex.start();
    const added = await ex.add({ name: 'fail', retries: 4 });
    await vi.advanceTimersByTimeAsync(11_999);
    expect(attempts).toEqual([0, 1_000, 3_000, 7_000]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([0, 1_000, 3_000, 7_000, 12_000]);
    await vi.advanceTimersByTimeAsync(1);
    expect((await ex.get(added.id)).status).toBe(Status.FAILED);
  });

  it("prefers a command's own backoff to the executor's", async () => {
    const ex = create({ backoff: exponentialBackoff({ initial: 60_000 }) });
    const attempts: number[] = [];
    ex.handle('own', () => {
      attempts.push(Date.now() - started);
      throw new Error('down');
    }, { backoff: linearBackoff(100, 1_000) });
    await ex.start();
    await ex.add({ name: 'own', retries: 2 });
    await vi.advanceTimersByTimeAsync(300);
    expect(attempts).toEqual([0, 100, 300]);
  });

  it('runs a defineCommand handler with its spec defaults, its own backoff and its Recover', async () => {
    interface Charge { orderId: string; cents: number }
    const ex = create({ backoff: exponentialBackoff({ initial: 60_000 }) });
    const attempts: number[] = [];
    const recovered: string[] = [];
    const charge = defineCommand<Charge>(
      'charge',
      (cmd) => {
        attempts.push(Date.now() - started);
        throw new Error(`card declined for ${cmd.data.orderId}`);
      },
      {
        retries: 2,
        priority: 7,
        tags: ['billing'],
        timeout: 5_000,
        backoff: constantBackoff(500),
        recover: (cmd, error) => {
          recovered.push(`${cmd.data.cents}: ${error.message}`);
          return Result.next({ name: 'refund', data: { orderId: cmd.data.orderId } });
        },
      },
    );
    ex.register(charge).handle('refund', () => undefined);
    await ex.start();
    const added = await ex.add({ name: 'charge', data: { orderId: 'o-1', cents: 1200 } });
    expect([added.retries, added.priority, added.tags, added.timeout]).toEqual([2, 7, ['billing'], 5_000]);
    await vi.advanceTimersByTimeAsync(999);
    expect([attempts, recovered]).toEqual([[0, 500], []]);
    await vi.advanceTimersByTimeAsync(1);
    expect([attempts, recovered]).toEqual([[0, 500, 1_000], ['1200: card declined for o-1']]);
    await vi.advanceTimersByTimeAsync(10);
    const failed = await ex.get(added.id);
    expect([failed.status, failed.history.at(-1)?.type]).toEqual([Status.FAILED, EventType.RECOVERED]);
    const [refund] = await ex.find({ name: 'refund' });
    expect([refund?.parentId, refund?.data]).toEqual([added.id, { orderId: 'o-1' }]);
  });

  it('applies the backoff to Result.retry() too', async () => {
    const ex = create({ backoff: linearBackoff(500, 10_000) });
    const attempts: number[] = [];
    ex.handle('poll', () => (attempts.push(Date.now() - started), Result.retry()));
    await ex.start();
    await ex.add({ name: 'poll', retries: 2 });
    await vi.advanceTimersByTimeAsync(1_499);
    expect(attempts).toEqual([0, 500]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([0, 500, 1_500]);
  });

  it('starts delayed work at its readyAt even with a one-minute poll interval', async () => {
    const ex = create({});
    const runs: number[] = [];
    ex.handle('later', () => void runs.push(Date.now() - started));
    await ex.start();
    await ex.add({ name: 'later', delay: 2_500 });
    await vi.advanceTimersByTimeAsync(2_499);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toEqual([2_500]);
  });

  it('expires queued work at its deadline while the only worker is busy', async () => {
    const ex = create({ parallelism: 1, pollInterval: 1_000 });
    const expiredAt: number[] = [];
    ex.handle('busy', () => new Promise(() => undefined));
    ex.handle('urgent', () => undefined, { expired: () => void expiredAt.push(Date.now() - started) });
    await ex.start();
    await ex.add({ name: 'busy', timeout: 60_000 });
    await vi.advanceTimersByTimeAsync(10);
    await ex.add({ name: 'urgent', deadline: 3_000 });
    await vi.advanceTimersByTimeAsync(2_900);
    expect(expiredAt).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(expiredAt).toHaveLength(1);
    expect(expiredAt[0]).toBeGreaterThan(3_000);
    expect(expiredAt[0]).toBeLessThanOrEqual(4_010);
  });

  it('repeats on its period', async () => {
    const ex = create({});
    const runs: number[] = [];
    ex.handle('tick', () => (runs.push(Date.now() - started), runs.length < 4 ? Result.repeat() : undefined));
    await ex.start();
    await ex.add({ name: 'tick', period: 10_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toEqual([0, 10_000, 20_000, 30_000]);
  });
});

describe('schedules (fake timers)', () => {
  let executor: Executor | undefined;
  const storage = new MemoryStorage();

  afterEach(async () => {
    let stopped = false;
    const stopping = executor?.stop().then(() => (stopped = true));
    while (executor && !stopped) await vi.advanceTimersByTimeAsync(1_000);
    await stopping;
    executor = undefined;
    vi.useRealTimers();
  });

  async function start(now: string, options: ExecutorOptions = {}, store = new MemoryStorage()): Promise<{ ex: Executor; ticks: string[] }> {
    vi.useFakeTimers({ now: new Date(now) });
    const ticks: string[] = [];
    executor = new Executor(store, { logger: quiet, stuckRecovery: false, cleanup: false, pollInterval: 60_000, ...options });
    // Each run as the tick it was for, and how late it started (the claim takes a fake millisecond or so).
    executor.handle('report', (cmd) => {
      const tick = String(cmd.metadata.scheduledFor);
      ticks.push(Date.now() - Date.parse(tick) < 100 ? tick : `${tick} late, at ${new Date().toISOString()}`);
    });
    await executor.start();
    return { ex: executor, ticks };
  }

  it('runs one instance per tick, each with a per-tick unique key', async () => {
    const { ex, ticks } = await start('2026-01-01T00:00:00Z');
    await ex.schedule('every10s', '*/10 * * * * *', { name: 'report', data: { kind: 'daily' } });
    await vi.advanceTimersByTimeAsync(35_000);
    expect(ticks).toEqual(['2026-01-01T00:00:10.000Z', '2026-01-01T00:00:20.000Z', '2026-01-01T00:00:30.000Z']);
    const runs = await ex.find({ name: 'report', orderBy: 'createdAt' });
    expect(runs.map((r) => r.uniqueKey)).toEqual([10, 20, 30].map((s) => `durex:tick:every10s:2026-01-01T00:00:${s}.000Z`));
    expect(runs.every((r) => r.data.kind === 'daily')).toBe(true);
  });

  it('keeps local wall-clock time across the DST switch of its time zone', async () => {
    const { ex, ticks } = await start('2026-03-27T12:00:00Z');
    await ex.schedule('morning', '0 9 * * *', { name: 'report' }, { timezone: 'Europe/Paris' });
    await vi.advanceTimersByTimeAsync(4 * 86_400_000);
    // 09:00 in Paris is 08:00Z before the switch on 29 March, 07:00Z after it.
    expect(ticks).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-03-31T07:00:00.000Z']);
  });

  it('runs a tick that does not exist in local time once, and a tick that exists twice once', async () => {
    const { ex, ticks } = await start('2026-03-28T12:00:00Z');
    await ex.schedule('night', '30 2 * * *', { name: 'report' }, { timezone: 'Europe/Paris' });
    await vi.advanceTimersByTimeAsync(2 * 86_400_000);
    await ex.schedule('night', '30 2 * * *', { name: 'report' }, { timezone: 'Europe/Paris' });
    vi.setSystemTime(new Date('2026-10-24T12:00:00Z'));
    await ex.unschedule('night');
    await ex.schedule('night', '30 2 * * *', { name: 'report' }, { timezone: 'Europe/Paris' });
    await vi.advanceTimersByTimeAsync(2 * 86_400_000);
    expect(ticks).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('skips ticks missed while no process ran, or catches up the latest N', async () => {
    for (const [missed, expected] of [['skip', 0], [{ catchUp: 2 }, 2]] as const) {
      const store = new MemoryStorage();
      const first = await start('2026-01-01T00:00:00Z', {}, store);
      await first.ex.schedule('minutely', '* * * * *', { name: 'report' }, { missed, grace: 10_000 });
      await vi.advanceTimersByTimeAsync(61_000);
      expect(first.ticks).toEqual(['2026-01-01T00:01:00.000Z']);
      await first.ex.stop();
      vi.setSystemTime(new Date('2026-01-01T00:10:30Z'));
      const second = await start('2026-01-01T00:10:30Z', {}, store);
      await vi.advanceTimersByTimeAsync(100);
      // Missed ticks run late: the latest `expected` of 00:02 … 00:10.
      expect(second.ticks).toEqual(
        ['2026-01-01T00:09:00.000Z', '2026-01-01T00:10:00.000Z'].slice(2 - expected).map((t) => `${t} late, at 2026-01-01T00:10:30.000Z`),
      );
      await vi.advanceTimersByTimeAsync(30_000);
      expect(second.ticks.at(-1)).toBe('2026-01-01T00:11:00.000Z');
      expect(second.ticks).toHaveLength(expected + 1);
      await second.ex.stop();
      executor = undefined;
      vi.useRealTimers();
    }
  });

  it('replaces a schedule whose settings changed, keeps an identical one, and removes it on unschedule', async () => {
    const { ex } = await start('2026-01-01T00:00:00Z');
    const a = await ex.schedule('s', '0 * * * *', { name: 'report' });
    const same = await ex.schedule('s', '0 * * * *', { name: 'report' });
    expect(same.instanceId).toBe(a.instanceId);
    const changed = await ex.schedule('s', '30 * * * *', { name: 'report' });
    expect(changed.instanceId).not.toBe(a.instanceId);
    expect((await ex.schedules()).map((s) => [s.name, s.cron, s.nextTick.toISOString()])).toEqual([['s', '30 * * * *', '2026-01-01T00:30:00.000Z']]);
    expect(await ex.unschedule('s')).toBe(true);
    expect(await ex.unschedule('s')).toBe(false);
    expect(await ex.schedules()).toEqual([]);
    await expect(ex.schedule('bad', 'not a cron', { name: 'report' })).rejects.toThrow(/not a valid cron expression/);
    await expect(ex.schedule('bad', '* * * * *', { name: 'nope' })).rejects.toThrow(/unknown command "nope"/);
  });

  it('starts the schedules of commands defined with a cron', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const runs: string[] = [];
    executor = new Executor(storage, { logger: quiet, stuckRecovery: false, cleanup: false });
    executor.handle('nightly', () => void runs.push(new Date().toISOString().slice(0, 19)), { schedule: { cron: '0 0 * * *', timezone: 'UTC' } });
    await executor.start();
    await vi.advanceTimersByTimeAsync(2 * 86_400_000 + 1_000);
    expect(runs).toEqual(['2026-01-02T00:00:00', '2026-01-03T00:00:00']);
    expect((await executor.schedules()).map((s) => s.name)).toEqual(['nightly']);
  });
});
