import { Executor, Status, type DurexStorage } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { readExecutions } from '../processes/support/execution-log.js';
import { type SharedPostgres, useProcessTest } from '../processes/support/process-harness.js';
import { waitFor } from '../support/wait-for.js';
import { useDedicatedPostgres } from './support/use-dedicated-postgres.js';
import { printFigures } from './support/drain-history.js';
import { FAULT_SCALE, FAULT_SIZES } from './support/fault-sizes.js';
import { DRAIN_COMMAND, type DrainWorker, forkDrainWorker } from './support/fault-drain.js';

const ROWS = FAULT_SIZES.pressureRows;
/** Claimed straight from storage by the test, never by the worker. */
const CLAIMED = 'pressureClaim';
/** What the worker process runs: single jobs timed from enqueue to start. */
const PROBE = DRAIN_COMMAND;
const CLAIMS = 100;
const CLAIM_BATCH = 10;
const PROBES = 40;
const CLEANUP_BATCH = 1_000;
const DAY = 86_400_000;

/** p50 and p99 of a sample, in ms. */
function percentiles(samples: readonly number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return { p50: round(at(0.5)), p99: round(at(0.99)) };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const show = ({ p50, p99 }: { p50: number; p99: number }) => `p50 ${p50} / p99 ${p99}`;

/**
 * Seeds `rows` COMPLETED instances that finished two days ago, with their three history events,
 * in one transaction (foreign key triggers off, as a restore would), then ANALYZEs, as autovacuum
 * would have done on a table that grew to this size.
 */
async function seedCompleted(db: SharedPostgres, rows: number): Promise<void> {
  const instances = `"${db.schema}".durex_instances`;
  const events = `"${db.schema}".durex_events`;
  await db.storage.dataSource.transaction(async (manager) => {
    await manager.query('SET LOCAL session_replication_role = replica');
    await manager.query(
      `INSERT INTO ${instances} (id, name, data, status, retries, max_retries, attempt, sequence, priority, tags,
         created_at, ready_at, started_at, completed_at, timeout_ms, period_ms, metadata)
       SELECT 'seed-' || lpad(g::text, 9, '0'), 'archived' || (g % 20), jsonb_build_object('n', g), 'COMPLETED', 0, 0, 1, '{}', 0, '{}',
         t, t, t + interval '5 ms', t + interval '10 ms', 0, 0, '{}'::jsonb
       FROM generate_series(1, $1::int) AS g, LATERAL (SELECT now() - interval '2 days' - g * interval '20 ms' AS t) AS times`,
      [rows],
    );
    await manager.query(
      `INSERT INTO ${events} (instance_id, type, at, attempt)
       SELECT 'seed-' || lpad(g::text, 9, '0'), e.type, now() - interval '2 days', e.attempt
       FROM generate_series(1, $1::int) AS g, (VALUES ('created', NULL::int), ('started', 1), ('completed', 1)) AS e(type, attempt)`,
      [rows],
    );
  });
  await db.query(`ANALYZE ${instances}`);
  await db.query(`ANALYZE ${events}`);
}

/** Times the claim statement itself: CLAIMS claims of CLAIM_BATCH ready instances each. */
async function claimLatencies(db: SharedPostgres, producer: Executor): Promise<number[]> {
  await producer.addMany(Array.from({ length: CLAIMS * CLAIM_BATCH }, (_, n) => ({ name: CLAIMED, data: { n } })));
  const latencies: number[] = [];
  for (let n = 0; n < CLAIMS; n += 1) {
    const from = performance.now();
    const claimed = await db.storage.claim({ owner: 'pressure-test', limit: CLAIM_BATCH, leaseMs: 3_600_000, now: new Date(), names: [CLAIMED] });
    latencies.push(performance.now() - from);
    expect(claimed).toHaveLength(CLAIM_BATCH);
  }
  return latencies;
}

/** Enqueue→start of single jobs in the idle worker process, one after another, while `busy()` holds. */
async function probeLatencies(producer: Executor, worker: DrainWorker, count: number, busy: () => boolean = () => true): Promise<number[]> {
  const latencies: number[] = [];
  for (let n = 0; n < count && busy(); n += 1) {
    const from = Date.now();
    const { id } = await producer.add({ name: PROBE });
    const execution = await waitFor(() => readExecutions(worker.log).find((e) => e.id === id), { timeout: 30_000, interval: 2, description: 'a probe started' });
    latencies.push(execution.at - from);
  }
  return latencies;
}

/** The storage with every `cleanup` statement timed. */
function timingCleanup(storage: DurexStorage, durations: number[]): DurexStorage {
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property !== 'cleanup') return Reflect.get(target, property, receiver);
      return async (before: Date, limit: number) => {
        const from = performance.now();
        try {
          return await target.cleanup(before, limit);
        } finally {
          durations.push(performance.now() - from);
        }
      };
    },
  });
}

describe(`PostgreSQL with ${ROWS} completed instances present`, () => {
  const server = useDedicatedPostgres();
  const { spawnScript, postgres, tempDir } = useProcessTest();

  it(
    'claims as fast as on an empty table, and cleanup deletes them all in short batches while work goes on',
    async () => {
      const db = await postgres(server().url);
      const worker = forkDrainWorker(spawnScript, db, await tempDir(), 'worker', { parallelism: 4, pollInterval: 5_000 }, 0);
      await worker.child.start();
      const producer = new Executor(db.storage, { commands: [CLAIMED, PROBE] });

      const claimBefore = percentiles(await claimLatencies(db, producer));
      const probeBefore = percentiles(await probeLatencies(producer, worker, PROBES));

      const seedFrom = Date.now();
      await seedCompleted(db, ROWS);
      const seedMs = Date.now() - seedFrom;
      expect(await db.storage.count({ status: Status.COMPLETED })).toBeGreaterThanOrEqual(ROWS);

      const claimAfter = percentiles(await claimLatencies(db, producer));
      const probeAfter = percentiles(await probeLatencies(producer, worker, PROBES));

      const statements: number[] = [];
      const cleaner = new Executor(timingCleanup(db.storage, statements), {
        commands: [PROBE],
        cleanup: { interval: DAY, olderThan: DAY, batchSize: CLEANUP_BATCH },
      });
      const cleanupFrom = Date.now();
      let cleaning = true;
      const cleaned = cleaner.cleanup().finally(() => (cleaning = false));
      const probeDuring = await probeLatencies(producer, worker, Number.MAX_SAFE_INTEGER, () => cleaning);
      const deleted = await cleaned;
      const cleanupMs = Date.now() - cleanupFrom;
      await cleaner.stop();
      await producer.stop();
      expect((await worker.child.stop()).exit).toEqual({ code: 0, signal: null });

      // Every seeded row went, and nothing else: the probes finished within the last day.
      expect(deleted).toBe(ROWS);
      const [{ left }] = await db.query<{ left: number }>(`SELECT count(*)::int AS left FROM "${db.schema}".durex_instances WHERE id LIKE 'seed-%'`);
      expect(left).toBe(0);
      const [{ orphans }] = await db.query<{ orphans: number }>(
        `SELECT count(*)::int AS orphans FROM "${db.schema}".durex_events WHERE instance_id LIKE 'seed-%'`,
      );
      expect(orphans).toBe(0);
      const longest = Math.max(...statements);
      // Loose bounds for a shared, loaded machine; what they rule out is a claim path that scans the
      // finished rows, and a cleanup that deletes them in one long statement.
      expect(claimAfter.p50).toBeLessThan(5 * Math.max(claimBefore.p50, 1));
      expect(probeAfter.p50).toBeLessThan(5 * Math.max(probeBefore.p50, 10));
      expect(longest).toBeLessThan(5_000);
      expect(statements.length).toBe(Math.ceil(ROWS / CLEANUP_BATCH) + (ROWS % CLEANUP_BATCH === 0 ? 1 : 0));
      const during = probeDuring.length ? percentiles(probeDuring) : undefined;

      printFigures('pressure', {
        scale: FAULT_SCALE,
        load: `${ROWS} COMPLETED rows + ${3 * ROWS} events seeded in ${seedMs} ms`,
        [`claim statement (${CLAIM_BATCH} rows) ms before`]: show(claimBefore),
        'after': show(claimAfter),
        'enqueue→start ms before': show(probeBefore),
        'with the rows present': show(probeAfter),
        'during cleanup': during ? `${show(during)} over ${probeDuring.length} jobs` : 'cleanup too quick to probe',
        cleanup: `${deleted} rows in ${statements.length} statements of ≤ ${CLEANUP_BATCH}, ${cleanupMs} ms in all, longest statement ${round(longest)} ms, p50 ${percentiles(statements).p50} ms`,
      });
      if (during) expect(during.p99).toBeLessThan(5_000);
    },
    600_000,
  );
});
