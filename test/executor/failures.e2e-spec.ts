import {
  type BackoffStrategy,
  CommandTimeoutError,
  constantBackoff,
  EventType,
  type Instance,
  type MetricsCollector,
  PermanentError,
  Result,
  Status,
} from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { delay, MemoryLogger, useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

/** Records the attempts it was asked about, and answers a fixed delay. */
function recordingBackoff(ms: number): BackoffStrategy & { asked: number[] } {
  const asked: number[] = [];
  return { asked, nextDelay: (attempt) => (asked.push(attempt), ms * attempt) };
}

class RecordingMetrics implements MetricsCollector {
  readonly calls: string[] = [];
  queueSizes: number[] = [];
  commandStarted(name: string): void { this.calls.push(`started:${name}`); }
  commandCompleted(name: string, durationMs: number): void { this.calls.push(`completed:${name}:${durationMs >= 0}`); }
  commandFailed(name: string, error: Error): void { this.calls.push(`failed:${name}:${error.message}`); }
  commandRetried(name: string, attempt: number): void { this.calls.push(`retried:${name}:${attempt}`); }
  queueSize(size: number): void { this.queueSizes.push(size); }
}

const settled = (ex: { get(id: string): Promise<Instance> }, id: string) =>
  waitFor(async () => {
    const instance = await ex.get(id);
    return instance.isTerminal() ? instance : null;
  });

describe.each(STORAGE_KINDS)('executor failures on %s', (kind) => {
  const { executor } = useExecutors(kind);

  it('retries failed attempts with the backoff and counts them', async () => {
    const backoff = recordingBackoff(40);
    const ex = await executor({ backoff });
    let calls = 0;
    ex.handle('flaky', () => {
      if (++calls < 3) throw new Error(`boom ${calls}`);
    });
    await ex.start();
    const added = await ex.add({ name: 'flaky', retries: 3 });
    const done = await settled(ex, added.id);
    expect(done.status).toBe(Status.COMPLETED);
    expect([done.attempt, done.retries, done.maxRetries]).toEqual([3, 1, 3]);
    expect(backoff.asked).toEqual([1, 2]);
    const types = done.history.map((e) => e.type);
    expect(types).toEqual(['created', 'started', 'failed', 'retrying', 'started', 'failed', 'retrying', 'started', 'completed']);
    const failures = done.history.filter((e) => e.type === EventType.FAILED);
    expect(failures.map((e) => e.error)).toEqual(['boom 1', 'boom 2']);
    const starts = done.history.filter((e) => e.type === EventType.STARTED).map((e) => e.timestamp.getTime());
    // Each retry waited at least its backoff: 40 ms, then 80 ms.
    expect(starts[1]! - failures[0]!.timestamp.getTime()).toBeGreaterThanOrEqual(40);
    expect(starts[2]! - failures[1]!.timestamp.getTime()).toBeGreaterThanOrEqual(80);
  });

  it('fails once retries are spent, calls Recover once with the error, and spawns its children with inheritance', async () => {
    const ex = await executor();
    const recovered: string[] = [];
    ex.handle('doomed', () => { throw new Error('card declined'); }, {
      recover: (cmd, error) => {
        recovered.push(error.message);
        return Result.next({ name: 'compensate', data: { failed: cmd.id } });
      },
    });
    ex.handle('compensate', () => undefined);
    await ex.start();
    const added = await ex.add({ name: 'doomed', retries: 2, traceId: 'trace-r' });
    const done = await settled(ex, added.id);
    expect(done.status).toBe(Status.FAILED);
    expect(done.error).toBe('card declined');
    expect(done.attempt).toBe(3);
    expect(recovered).toEqual(['card declined']);
    expect(done.history.some((e) => e.type === EventType.RECOVERED)).toBe(true);
    const [compensation] = await waitFor(() => ex.find({ name: 'compensate', status: Status.COMPLETED }).then((r) => (r.length ? r : null)));
    expect(compensation!.parentId).toBe(added.id);
    expect(compensation!.traceId).toBe('trace-r');
    expect(compensation!.correlationId).toBe(added.id);
    expect(compensation!.data).toEqual({ failed: added.id });
  });

  it('moves instances that failed for good to the dead letter queue when it is enabled', async () => {
    const ex = await executor({ deadLetterQueue: true });
    ex.handle('doomed', () => { throw new Error('nope'); });
    await ex.start();
    const added = await ex.add({ name: 'doomed', retries: 1 });
    const done = await settled(ex, added.id);
    expect(done.status).toBe(Status.DEAD_LETTER);
    expect((await ex.findDeadLettered()).map((i) => i.id)).toEqual([added.id]);
  });

  it('skips the remaining retries on PermanentError', async () => {
    const ex = await executor();
    let recovers = 0;
    ex.handle('permanent', () => { throw new PermanentError('invalid address'); }, { recover: () => void recovers++ });
    await ex.start();
    const added = await ex.add({ name: 'permanent', retries: 5 });
    const done = await settled(ex, added.id);
    expect([done.status, done.attempt, done.retries, recovers]).toEqual([Status.FAILED, 1, 5, 1]);
  });

  it('Result.retry() spends retries with backoff but never calls Recover, then completes', async () => {
    const ex = await executor({ backoff: constantBackoff(50) });
    let runs = 0;
    let recovers = 0;
    ex.handle('poll', () => (++runs, Result.retry()), { recover: () => void recovers++ });
    await ex.start();
    const added = await ex.add({ name: 'poll', retries: 2 });
    const done = await settled(ex, added.id);
    expect([done.status, runs, recovers, done.retries]).toEqual([Status.COMPLETED, 3, 0, 0]);
    const retrying = done.history.filter((e) => e.type === EventType.RETRYING);
    const starts = done.history.filter((e) => e.type === EventType.STARTED);
    expect(retrying).toHaveLength(2);
    expect(done.history.some((e) => e.type === EventType.FAILED)).toBe(false);
    expect(starts[1]!.timestamp.getTime() - retrying[0]!.timestamp.getTime()).toBeGreaterThanOrEqual(50);
  });

  it('aborts ctx.signal at the timeout, fails the attempt, and frees the worker even if the handler never settles', async () => {
    const ex = await executor({ parallelism: 1 });
    let sawAbort: unknown;
    ex.handle('hang', (_cmd, ctx) => {
      ctx.signal.addEventListener('abort', () => (sawAbort = ctx.signal.reason));
      return new Promise(() => undefined);
    });
    ex.handle('next', () => undefined);
    await ex.start();
    const hung = await ex.add({ name: 'hang', timeout: 80 });
    const after = await ex.add({ name: 'next' });
    const done = await settled(ex, hung.id);
    expect(done.status).toBe(Status.FAILED);
    expect(done.error).toMatch(/timed out after 80 ms/);
    expect(sawAbort).toBeInstanceOf(CommandTimeoutError);
    expect((await settled(ex, after.id)).status).toBe(Status.COMPLETED);
  });

  it('ignores a result that arrives after the timeout', async () => {
    const ex = await executor();
    let late = false;
    ex.handle('late', async () => {
      await delay(150);
      late = true;
      return Result.next({ name: 'never' });
    });
    ex.handle('never', () => undefined);
    await ex.start();
    const added = await ex.add({ name: 'late', timeout: 40 });
    const done = await settled(ex, added.id);
    await waitFor(() => late);
    await delay(50);
    expect(done.status).toBe(Status.FAILED);
    expect((await ex.get(added.id)).status).toBe(Status.FAILED);
    expect(await ex.count({ name: 'never' })).toBe(0);
  });

  it('treats thrown non-Errors and invalid results as failures, with metrics, error handler and Recover', async () => {
    const metrics = new RecordingMetrics();
    const handled: string[] = [];
    const recovered: string[] = [];
    const ex = await executor({ metrics, errorHandler: (cmd, error) => handled.push(`${cmd.name}:${error.message}`) });
    const recover = (_: Instance, error: Error) => void recovered.push(error.message);
    ex.handle('throwsString', () => { throw 'plain string'; }, { recover });
    ex.handle('throwsObject', () => { throw { code: 7 }; }, { recover });
    ex.handle('throwsSync', () => { throw new TypeError('sync'); }, { recover });
    ex.handle('returnsNumber', () => 42 as never, { recover });
    // Neither JSON.stringify (circular) nor String() (no prototype, so no toString) can describe it.
    const unprintable: Record<string, unknown> = Object.create(null);
    unprintable.self = unprintable;
    ex.handle('throwsUnprintable', () => { throw unprintable; }, { recover });
    await ex.start();
    const names = ['throwsString', 'throwsObject', 'throwsSync', 'returnsNumber', 'throwsUnprintable'];
    const ids = await Promise.all(names.map((name) => ex.add({ name }).then((i) => i.id)));
    const done = await Promise.all(ids.map((id) => settled(ex, id)));
    expect(done.map((i) => i.status)).toEqual(names.map(() => Status.FAILED));
    expect(done.map((i) => i.error)).toEqual([
      'non-Error thrown: plain string',
      'non-Error thrown: {"code":7}',
      'sync',
      expect.stringMatching(/returned a number/),
      'non-Error thrown: a value JavaScript cannot print (object)',
    ]);
    expect(recovered).toHaveLength(5);
    expect(handled).toHaveLength(5);
    expect(metrics.calls.filter((c) => c.startsWith('failed:'))).toHaveLength(5);
  });

  it('feeds every metric', async () => {
    const metrics = new RecordingMetrics();
    const ex = await executor({ metrics });
    let calls = 0;
    ex.handle('ok', () => undefined);
    ex.handle('flaky', () => { if (++calls === 1) throw new Error('once'); });
    await ex.start();
    const a = await ex.add({ name: 'ok' });
    const b = await ex.add({ name: 'flaky', retries: 1 });
    await settled(ex, a.id);
    await settled(ex, b.id);
    await ex.add({ name: 'ok', delay: 60_000 });
    const stats = await ex.stats();
    expect(metrics.calls.sort()).toEqual(
      ['started:ok', 'completed:ok:true', 'started:flaky', 'failed:flaky:once', 'retried:flaky:1', 'started:flaky', 'completed:flaky:true'].sort(),
    );
    expect(stats.queueSize).toBe(1);
    expect(metrics.queueSizes.at(-1)).toBe(1);
  });

  it('measures the queue size as it starts, not one metrics interval later', async () => {
    const producer = await executor();
    producer.handle('later', () => undefined);
    await producer.add({ name: 'later' });
    await producer.add({ name: 'later' });
    const metrics = new RecordingMetrics();
    const ex = await executor({ metrics, metricsInterval: 3_600_000, commands: ['later'] });
    await ex.start();
    await waitFor(() => metrics.queueSizes.length > 0, { description: 'the queue size measured at start' });
    expect(metrics.queueSizes).toEqual([2]);
  });

  it('logs one line per failure with id, name, attempt, trace and correlation', async () => {
    const logger = new MemoryLogger();
    const ex = await executor({ logger });
    ex.handle('ok', () => undefined);
    ex.handle('bad', () => { throw new Error('kaput'); });
    await ex.start();
    const ok = await ex.add({ name: 'ok' });
    const bad = await ex.add({ name: 'bad', traceId: 't-9' });
    await settled(ex, ok.id);
    await settled(ex, bad.id);
    const warnings = logger.lines.filter((l) => l.level === 'warn' || l.level === 'error' || l.level === 'log');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(bad.id);
    expect(warnings[0]!.message).toMatch(/bad .* attempt 1 failed: kaput .*trace t-9, correlation /);
  });

  it('replays a dead-lettered instance with its retry budget restored, and purges the queue', async () => {
    const ex = await executor({ deadLetterQueue: true });
    let fail = true;
    let runs = 0;
    ex.handle('fragile', () => {
      runs++;
      if (fail) throw new Error('down');
    });
    await ex.start();
    const added = await ex.add({ name: 'fragile', retries: 2 });
    expect((await settled(ex, added.id)).status).toBe(Status.DEAD_LETTER);
    expect(runs).toBe(3);
    fail = false;
    await ex.replayFromDLQ(added.id);
    const replayed = await ex.get(added.id);
    expect(replayed.retries).toBe(2);
    const done = await settled(ex, added.id);
    expect(done.status).toBe(Status.COMPLETED);
    expect(runs).toBe(4);
    await expect(ex.replayFromDLQ(added.id)).rejects.toThrow(/cannot replay command .* COMPLETED/);

    fail = true;
    const other = await ex.add({ name: 'fragile' });
    await settled(ex, other.id);
    expect(await ex.purgeDLQ(60_000)).toBe(0);
    expect(await ex.purgeDLQ(0)).toBe(1);
    expect(await ex.findDeadLettered()).toEqual([]);
  });

  it('keeps serving other commands while one handler misbehaves', async () => {
    const ex = await executor({ parallelism: 2 });
    ex.handle('bad', () => { throw new Error('bad'); });
    ex.handle('good', () => undefined);
    await ex.start();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await ex.add({ name: i % 2 ? 'bad' : 'good' })).id);
    await waitFor(async () => (await ex.count({ status: [Status.COMPLETED, Status.FAILED] })) === 10);
    expect(await ex.count({ status: Status.COMPLETED })).toBe(5);
    expect(await ex.count({ status: Status.FAILED })).toBe(5);
  });
});
