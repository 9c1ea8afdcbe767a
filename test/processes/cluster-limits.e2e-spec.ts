import { join } from 'node:path';
import { Executor, type Spec, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { type Interval, maxInWindow, maxOverlap } from '../support/intervals.js';
import { waitFor } from '../support/wait-for.js';
import type { LimitedWorkerConfig } from './children/limited-worker.js';
import { CLEAN_EXIT } from './support/child-processes.js';
import { countById, readExecutions, readLines } from './support/execution-log.js';
import { type SharedPostgres, useProcessTest } from './support/process-harness.js';

const WORKER = new URL('./children/limited-worker.ts', import.meta.url);

interface Run extends Interval {
  id: string;
  pid: number;
  name: string;
  key: string;
}

function readRuns(paths: readonly string[]): Run[] {
  return paths.flatMap((path) =>
    readLines(path).map((line) => {
      const [id, pid, name, key, start, end] = line.split('\t');
      return { id: id!, pid: Number(pid), name: name!, key: key!, start: Number(start), end: Number(end) };
    }),
  );
}

describe('cluster-wide limits across worker processes on one PostgreSQL schema', () => {
  const { spawnScript, postgres, tempDir } = useProcessTest();

  /** Starts `count` workers with the same limits, enqueues `specs`, waits until all are done and stops them. */
  async function runWorkers(
    db: SharedPostgres,
    count: number,
    executor: LimitedWorkerConfig['executor'],
    durations: Record<string, number>,
    specs: Spec[],
  ) {
    const dir = await tempDir();
    const configs: LimitedWorkerConfig[] = Array.from({ length: count }, (_, n) => ({
      storage: db.forChild(4),
      executor,
      durations,
      log: join(dir, `worker-${n}.log`),
      runs: join(dir, `worker-${n}.runs`),
    }));
    const workers = configs.map((config, n) => spawnScript(WORKER, config, `limited-worker-${n}`));
    const producer = new Executor(db.storage, { commands: Object.keys(durations) });
    const ids = (await producer.addMany(specs)).map((instance) => instance.id);
    await producer.stop();
    await Promise.all(workers.map((worker) => worker.ready()));
    await Promise.all(workers.map((worker) => worker.start()));
    const started = Date.now();
    await waitFor(async () => (await db.storage.count({ status: Status.COMPLETED })) === specs.length, {
      timeout: 60_000,
      interval: 100,
      description: `all ${specs.length} instances COMPLETED`,
    });
    const drainMs = Date.now() - started;
    const stopped = await Promise.all(workers.map((worker) => worker.stop()));
    expect(stopped.map(({ exit }) => exit)).toEqual(workers.map(() => CLEAN_EXIT));
    expect(await db.storage.countBy('status')).toEqual({ [Status.COMPLETED]: specs.length });

    const executions = readExecutions(...configs.map((config) => config.log));
    const repeated = [...countById(executions)].filter(([, n]) => n > 1);
    expect(repeated).toEqual([]);
    expect(executions.map((execution) => execution.id).sort()).toEqual([...ids].sort());
    const runs = readRuns(configs.map((config) => config.runs));
    expect(runs).toHaveLength(specs.length);
    const perProcess = workers.map((worker) => runs.filter((run) => run.pid === worker.pid).length);
    expect(perProcess.every((n) => n > 0)).toBe(true);
    return { runs, perProcess, drainMs, ids };
  }

  it('never exceeds a name’s concurrency or a key’s limit across three processes', async () => {
    const db = await postgres();
    const specs: Spec[] = [
      ...Array.from({ length: 60 }, (_, n) => ({ name: 'capped', data: { n } })),
      ...Array.from({ length: 60 }, (_, n) => ({ name: 'keyed', data: { n }, concurrencyKey: `tenant:${n % 3}` })),
    ];
    const { runs, perProcess, drainMs } = await runWorkers(
      db,
      3,
      { parallelism: 6, concurrency: { capped: 4 }, concurrencyKeyLimit: 2 },
      { capped: 40, keyed: 30 },
      specs,
    );
    const capped = maxOverlap(runs.filter((run) => run.name === 'capped'));
    const perKey = [0, 1, 2].map((n) => maxOverlap(runs.filter((run) => run.key === `tenant:${n}`)));
    const keyedAtOnce = maxOverlap(runs.filter((run) => run.name === 'keyed'));
    expect(capped).toBeLessThanOrEqual(4);
    expect(capped).toBeGreaterThanOrEqual(2);
    for (const most of perKey) expect(most).toBeLessThanOrEqual(2);
    // Different keys ran side by side: more keyed runs at once than one key allows.
    expect(keyedAtOnce).toBeGreaterThan(2);
    const cappedProcesses = new Set(runs.filter((run) => run.name === 'capped').map((run) => run.pid)).size;
    expect(cappedProcesses).toBeGreaterThan(1);
    console.log(
      `[cluster-limits] 3 processes × parallelism 6, 60 'capped' (concurrency 4, 40 ms) + 60 'keyed' over 3 keys (key limit 2, 30 ms): ` +
        `drained in ${drainMs} ms; max 'capped' running at once ${capped}; max per key ${perKey.join('/')}; ` +
        `max keyed at once ${keyedAtOnce}; runs per process ${perProcess.join('/')}; each instance run once`,
    );
  }, 90_000);

  it('never starts more than max in any window across two processes, and runs every instance', async () => {
    const db = await postgres();
    const per = 500;
    const max = 10;
    const jobs = 45;
    const { perProcess, drainMs, ids } = await runWorkers(
      db,
      2,
      { parallelism: 8, prefetch: 16, rateLimit: { paced: { max, per } } },
      { paced: 0 },
      Array.from({ length: jobs }, (_, n) => ({ name: 'paced', data: { n } })),
    );
    const starts = (
      await db.query<{ at: number }>(
        `SELECT (extract(epoch FROM at) * 1000)::float8 AS at FROM "${db.schema}".durex_events WHERE type = 'started' AND instance_id = ANY($1)`,
        [ids],
      )
    ).map((row) => Math.round(Number(row.at)));
    expect(starts).toHaveLength(jobs);
    const most = maxInWindow(starts, per);
    expect(most).toBeLessThanOrEqual(max);
    const span = Math.max(...starts) - Math.min(...starts);
    // 45 starts at 10 per 500 ms need five windows: the last starts at least four windows after the first.
    expect(span).toBeGreaterThanOrEqual(4 * per);
    const [{ moved }] = await db.query<{ moved: number }>(
      `SELECT count(*)::int AS moved FROM "${db.schema}".durex_instances WHERE ready_at > created_at + interval '100 milliseconds'`,
    );
    expect(moved).toBeGreaterThan(0);
    console.log(
      `[cluster-limits] 2 processes × parallelism 8 (prefetch 16), ${jobs} 'paced' at ${max} per ${per} ms: ` +
        `max starts in any ${per} ms window ${most}; first to last start ${span} ms; drained in ${drainMs} ms; ` +
        `instances whose readyAt the limit moved ${moved}; runs per process ${perProcess.join('/')}; each instance run once`,
    );
  }, 90_000);
});
