import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exponentialBackoff, linearBackoff } from '../core/backoff.js';
import { Result } from '../core/result.js';
import { Status } from '../core/status.js';
import { MemoryStorage } from '../storage/memory.storage.js';
import { Executor } from './executor.js';
import type { ExecutorOptions } from './executor-options.js';

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
