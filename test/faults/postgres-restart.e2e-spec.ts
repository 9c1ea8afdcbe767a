import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { useProcessTest } from '../processes/support/process-harness.js';
import { waitFor } from '../support/wait-for.js';
import { useDedicatedPostgres } from './support/use-dedicated-postgres.js';
import { checkDrain, printFigures } from './support/drain-history.js';
import { FAULT_SCALE, FAULT_SIZES } from './support/fault-sizes.js';
import type { FaultExecutorOptions } from './support/fault-worker.config.js';
import {
  completedCount,
  enqueueDrain,
  executionsOf,
  forkDrainWorker,
  interruptedAmong,
  stopWorkers,
  waitForDrained,
} from './support/fault-drain.js';
import { countLines, describeNoise } from './support/file-logger.js';

const JOBS = FAULT_SIZES.restartJobs;
const WORKERS = 2;
const RETRIES = 3;
/** Short leases, so work cut off by the outage is reclaimed within seconds. */
const EXECUTOR: FaultExecutorOptions = {
  parallelism: 8,
  claimBatchSize: 8,
  pollInterval: 1_000,
  lease: { duration: 5_000, renewInterval: 1_000 },
  stuckRecovery: { interval: 500 },
  gracefulShutdown: 5_000,
};
const DOWN_MS = 1_500;
const TERMINATIONS = 3;

/** The lines that tell an operator about an outage; each should appear once per outage, not once per failed call. */
const OUTAGE_LINES = {
  storageDown: /storage unavailable, retrying with backoff/,
  storageBack: /storage reachable again after \d+ failed attempts/,
  listenerLost: /the LISTEN connection was lost/,
  listenerBack: /the LISTEN connection is back/,
};

describe('a drain by two worker processes while PostgreSQL goes away', () => {
  const server = useDedicatedPostgres();
  const { spawnScript, postgres, tempDir } = useProcessTest();
  // Registered after the harness's own hook, so it runs first: a test that failed mid-outage still
  // leaves a server the harness can drop its schema on.
  afterEach(async () => {
    await server().ensureRunning();
  });

  /** Fills the queue, starts the workers, and waits until a quarter of the drain is done. */
  async function startDrain(keyPrefix: string) {
    const db = await postgres(server().url);
    const dir = await tempDir();
    const workers = Array.from({ length: WORKERS }, (_, n) => forkDrainWorker(spawnScript, db, dir, `worker-${n}`, EXECUTOR, 1));
    const ids = await enqueueDrain(db, JOBS, RETRIES, keyPrefix);
    await Promise.all(workers.map(({ child }) => child.ready()));
    await Promise.all(workers.map(({ child }) => child.start()));
    await waitFor(async () => (await completedCount(db)) >= JOBS / 4, { timeout: 60_000, interval: 20, description: 'a quarter of the drain done' });
    return { db, workers, ids };
  }

  it(
    `restarted mid-drain: the workers reconnect with backoff, say so once, and finish all ${JOBS} jobs exactly once`,
    async () => {
      const { db, workers, ids } = await startDrain('restart');

      const stopping = Date.now();
      await server().stop();
      // The server process has exited: every session is gone, and nothing claims until it is back.
      const stoppedAt = Date.now();
      await sleep(DOWN_MS);
      await server().start();
      const downMs = Date.now() - stopping;
      // Claimed before the server went and still STARTED: the attempts whose outcome the outage cut
      // off. Queried at once, before their leases (renewed at most a second before) can expire.
      const cutOff = (
        await db.query<{ id: string }>(`SELECT id FROM "${db.schema}".durex_instances WHERE status = 'STARTED' AND started_at < $1`, [new Date(stoppedAt)])
      ).map((row) => row.id);

      const drainMs = await waitForDrained(db, JOBS, 150_000);
      await stopWorkers(workers);
      const figures = await checkDrain(db.query, db.schema, ids, executionsOf(workers));
      expect(figures.lost).toBe(0);
      // Only work the outage cut off may run twice.
      const cutOffSet = new Set(cutOff);
      expect(figures.duplicatedIds.filter((id) => !cutOffSet.has(id))).toEqual([]);

      for (const worker of workers) {
        expect(countLines(worker.lines(), OUTAGE_LINES), `the outage lines of ${worker.child.label}`).toEqual({
          storageDown: 1,
          storageBack: 1,
          listenerLost: 1,
          listenerBack: 1,
        });
      }
      printFigures(
        'restart',
        {
          scale: FAULT_SCALE,
          load: `${JOBS} jobs, ${WORKERS} processes × ${EXECUTOR.parallelism} workers`,
          fault: `server stopped (fast shutdown) for ${downMs} ms at ${JOBS / 4}+ completed`,
          'in flight at the stop': cutOff.length,
          'drained after restart in ms': drainMs,
          'outage lines per process': 'unavailable 1, reachable again 1, LISTEN lost 1, LISTEN back 1',
          'other lines': workers.map((worker) => `${worker.child.label}: ${describeNoise(worker.lines())}`).join('; '),
        },
        figures,
      );
    },
    240_000,
  );

  it(
    `has every backend of its database terminated ${TERMINATIONS} times: the workers reconnect and finish all ${JOBS} jobs exactly once`,
    async () => {
      const { db, workers, ids } = await startDrain('terminate');

      const terminated: number[] = [];
      for (let n = 0; n < TERMINATIONS; n += 1) {
        terminated.push(await server().terminate());
        // Each cut is its own outage: let the listeners come back before the next one.
        await waitFor(() => workers.every((worker) => countLines(worker.lines(), OUTAGE_LINES).listenerBack === n + 1), {
          timeout: 20_000,
          description: `every LISTEN connection back after termination ${n + 1}`,
        });
      }
      const drainMs = await waitForDrained(db, JOBS, 150_000);
      await stopWorkers(workers);
      const figures = await checkDrain(db.query, db.schema, ids, executionsOf(workers));
      expect(figures.lost).toBe(0);
      // Only attempts a cut interrupted may run twice.
      const interrupted = await interruptedAmong(db, ids);
      expect(figures.duplicatedIds.filter((id) => !interrupted.has(id))).toEqual([]);

      const lines = workers.map((worker) => countLines(worker.lines(), OUTAGE_LINES));
      for (const counted of lines) {
        expect([counted.listenerLost, counted.listenerBack]).toEqual([TERMINATIONS, TERMINATIONS]);
        // A worker notices a cut only if a statement was in flight on a cut connection; each outage it notices is told once, and its end once.
        expect(counted.storageDown).toBeLessThanOrEqual(TERMINATIONS);
        expect(counted.storageBack).toBe(counted.storageDown);
      }
      printFigures(
        'terminate',
        {
          scale: FAULT_SCALE,
          load: `${JOBS} jobs, ${WORKERS} processes × ${EXECUTOR.parallelism} workers`,
          fault: `pg_terminate_backend on every backend of the database, ${TERMINATIONS} times (${terminated.join(', ')} backends)`,
          'drained in ms': drainMs,
          'attempts interrupted': interrupted.size,
          'storage-unavailable lines per process': lines.map((counted) => counted.storageDown).join(' / '),
          'other lines': workers.map((worker) => `${worker.child.label}: ${describeNoise(worker.lines())}`).join('; '),
        },
        figures,
      );
    },
    240_000,
  );
});
