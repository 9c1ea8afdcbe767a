import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTypeOrmStorage, Executor, Status, type TypeOrmStorage } from 'nestjs-durex';
import { DedicatedPostgres } from '../faults/support/dedicated-postgres.js';
import { type FaultWorkerConfig, FAULT_WORKER, type ProcessSample } from '../faults/support/fault-worker.config.js';
import { type Child, forkScript } from '../processes/support/child-processes.js';
import { countById, readExecutions, readLines } from '../processes/support/execution-log.js';
import { formatRows, judge, type SoakRow } from './soak-report.js';

/*
 * The soak: two worker processes on a dedicated PostgreSQL under a steady enqueue rate for ten
 * minutes, sampled every ten seconds (RSS, heap, active handles and timers of each worker, the
 * database's connections, the backlog), then judged after a warm-up: memory flat within 10 %, no
 * growth in connections or handles, and every acknowledged job executed, none twice. Not part of
 * `npm test`; run it with `npm run soak`. Exits non-zero when a criterion fails.
 *
 * DUREX_SOAK_MINUTES (10), DUREX_SOAK_WARMUP_MINUTES (2), DUREX_SOAK_RATE jobs/s (200) and
 * DUREX_SOAK_SAMPLE_SECONDS (10) change the run.
 */

const MINUTES = Number(process.env.DUREX_SOAK_MINUTES ?? 10);
const WARMUP_MINUTES = Number(process.env.DUREX_SOAK_WARMUP_MINUTES ?? 2);
const RATE = Number(process.env.DUREX_SOAK_RATE ?? 200);
const SAMPLE_SECONDS = Number(process.env.DUREX_SOAK_SAMPLE_SECONDS ?? 10);
const WORKERS = 2;
const COMMAND = 'drain';
const SCHEMA = 'durex_soak';
/** Enqueues happen in ten batches a second. */
const TICK_MS = 100;

interface Worker {
  child: Child;
  log: string;
  samples: string;
}

async function main(): Promise<number> {
  const server = await DedicatedPostgres.start();
  const dir = await mkdtemp(join(tmpdir(), 'durex-soak-'));
  const workers: Worker[] = [];
  let storage: TypeOrmStorage | undefined;
  try {
    storage = await createTypeOrmStorage({ type: 'postgres', url: server.url, schema: SCHEMA, poolSize: 2 });
    await storage.migrate();
    for (let n = 0; n < WORKERS; n += 1) {
      const config: FaultWorkerConfig = {
        storage: { type: 'postgres', url: server.url, schema: SCHEMA, poolSize: 4 },
        // Cleanup keeps the table at a steady size, as in production.
        executor: { parallelism: 8, cleanup: { interval: 30_000, olderThan: 60_000, batchSize: 1_000 } },
        commands: [COMMAND],
        workMs: 5,
        log: join(dir, `worker-${n}.log`),
        logLines: join(dir, `worker-${n}.lines`),
        samples: join(dir, `worker-${n}.samples`),
        sampleEvery: SAMPLE_SECONDS * 1_000,
      };
      // --expose-gc: each sample is taken after a full collection (see the fault worker's sampler).
      workers.push({ child: forkScript(FAULT_WORKER, config, `worker-${n}`, ['--expose-gc']), log: config.log, samples: config.samples! });
    }
    await Promise.all(workers.map(({ child }) => child.start()));
    console.log(`soak: ${WORKERS} worker processes × 8, ${RATE} jobs/s for ${MINUTES} min (warm-up ${WARMUP_MINUTES} min), a sample every ${SAMPLE_SECONDS} s`);

    const producer = new Executor(storage, { commands: [COMMAND] });
    const acknowledged: string[] = [];
    const started = Date.now();
    const end = started + MINUTES * 60_000;
    const rows: SoakRow[] = [];
    const produce = (async () => {
      for (let tick = 0; Date.now() < end; tick += 1) {
        const batch = Array.from({ length: Math.round((RATE * TICK_MS) / 1_000) }, () => ({ name: COMMAND }));
        acknowledged.push(...(await producer.addMany(batch)).map((instance) => instance.id));
        await sleep(Math.max(0, started + (tick + 1) * TICK_MS - Date.now()));
      }
    })();
    for (let next = started + SAMPLE_SECONDS * 1_000; next <= end; next += SAMPLE_SECONDS * 1_000) {
      await sleep(Math.max(0, next - Date.now()));
      rows.push(await sample(server, storage, workers, Math.round((Date.now() - started) / 1_000)));
      console.log(formatRows(rows).split('\n').slice(rows.length === 1 ? 0 : -1).join('\n'));
    }
    await produce;
    await producer.stop();

    const drainFrom = Date.now();
    while ((await storage.count({ status: [Status.PENDING, Status.STARTED] })) > 0) {
      if (Date.now() - drainFrom > 120_000) throw new Error('the backlog did not drain within 2 minutes of the load ending');
      await sleep(200);
    }
    const stopped = await Promise.all(workers.map(({ child }) => child.stop()));
    const counts = countById(readExecutions(...workers.map((worker) => worker.log)));
    const missing = acknowledged.filter((id) => !counts.has(id)).length;
    const twice = [...counts.values()].filter((count) => count > 1).length;
    const failed = await storage.count({ status: [Status.FAILED, Status.DEAD_LETTER] });

    const verdicts = judge(rows, WARMUP_MINUTES * 60);
    verdicts.push(
      { what: 'acknowledged jobs not executed', before: 0, after: missing, limit: '0', ok: missing === 0 },
      { what: 'jobs executed more than once', before: 0, after: twice, limit: '0', ok: twice === 0 },
      { what: 'jobs FAILED or dead-lettered', before: 0, after: failed, limit: '0', ok: failed === 0 },
      { what: 'workers exiting cleanly at stop', before: WORKERS, after: stopped.filter(({ exit }) => exit.code === 0).length, limit: `${WORKERS}`, ok: stopped.every(({ exit }) => exit.code === 0) },
    );
    console.log(`\nsoak: ${acknowledged.length} jobs acknowledged in ${MINUTES} min (${Math.round(acknowledged.length / (MINUTES * 60))}/s), drained ${Date.now() - drainFrom} ms after the load ended`);
    for (const v of verdicts) console.log(`${v.ok ? 'PASS' : 'FAIL'}  ${v.what}: ${v.before} → ${v.after} (${v.limit})`);
    return verdicts.every((v) => v.ok) ? 0 : 1;
  } finally {
    await Promise.all(workers.map(({ child }) => child.kill()));
    await storage?.close();
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The latest sample of each worker, the database's connections, the backlog and the executions so far. */
async function sample(server: DedicatedPostgres, storage: TypeOrmStorage, workers: readonly Worker[], t: number): Promise<SoakRow> {
  const connections = await server.admin(async (client) => {
    const { rows } = await client.query<{ app: string; n: number }>(
      `SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1 ORDER BY 1`,
    );
    return Object.fromEntries(rows.map((row) => [row.app || '(none)', row.n]));
  });
  return {
    t,
    workers: workers.map((worker) => JSON.parse(readLines(worker.samples).at(-1)!) as ProcessSample),
    connections,
    pending: await storage.count({ status: Status.PENDING }),
    executed: workers.reduce((sum, worker) => sum + readLines(worker.log).length, 0),
  };
}

// Exits explicitly: whatever else hooks the process's exit must not decide its code.
process.exit(
  await main().catch((error: unknown) => {
    console.error(error);
    return 1;
  }),
);
