import { setTimeout as sleep } from 'node:timers/promises';
import { Executor, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { readExecutions } from '../processes/support/execution-log.js';
import { useProcessTest } from '../processes/support/process-harness.js';
import { waitFor } from '../support/wait-for.js';
import { useDedicatedPostgres } from './support/use-dedicated-postgres.js';
import { checkDrain, printFigures } from './support/drain-history.js';
import { DRAIN_COMMAND, forkDrainWorker, stopWorkers } from './support/fault-drain.js';
import { countLines } from './support/file-logger.js';

/** The fallback poll: far above a NOTIFY wake-up, so the two are told apart by latency alone. */
const POLL = 2_500;
/** Loose for a loaded machine, yet well under the poll interval. */
const WAKE_BOUND = 1_000;
const SAMPLES = 5;
/** Each one waits for a poll while NOTIFY is lost. */
const LOST_SAMPLES = 3;
/** How long a job waits after the last one finished, so the worker is asleep when it is enqueued. */
const IDLE_MS = 100;
const BATCH = 200;
const LISTENER = "application_name = 'durex-listener'";

describe('a worker process whose LISTEN connection is killed, and kept from reconnecting for a while', () => {
  const server = useDedicatedPostgres();
  const { spawnScript, postgres, tempDir } = useProcessTest();

  it(
    'drains what is enqueued meanwhile by polling, says so once, reconnects, and is woken by NOTIFY again',
    async () => {
      const db = await postgres(server().url);
      const dir = await tempDir();
      const worker = forkDrainWorker(spawnScript, db, dir, 'worker', { parallelism: 4, pollInterval: POLL }, 0);
      await worker.child.start();
      const producer = new Executor(db.storage, { commands: [DRAIN_COMMAND] });
      const acknowledged: string[] = [];

      /** Enqueues one job into an idle worker and resolves with how long it took to start. */
      async function wakeLatency(n: number): Promise<number> {
        const before = Date.now();
        const { id } = await producer.add({ name: DRAIN_COMMAND, data: { n } });
        acknowledged.push(id);
        const execution = await waitFor(() => readExecutions(worker.log).find((e) => e.id === id), {
          timeout: POLL * 3,
          interval: 5,
          description: `job ${n} started`,
        });
        // Idle again before the next one: its outcome stored, and the claim loop asleep (a freed
        // worker slot makes it look once more, which would find a job enqueued right away).
        await waitFor(async () => (await db.storage.get(id))?.status === Status.COMPLETED, { interval: 5, description: `job ${n} COMPLETED` });
        await sleep(IDLE_MS);
        return execution.at - before;
      }
      const sample = async (from: number, count = SAMPLES) => {
        const latencies: number[] = [];
        for (let n = 0; n < count; n += 1) latencies.push(await wakeLatency(from + n));
        return latencies;
      };

      const before = await sample(0);

      // The server refuses the listener's reconnections (a login trigger on this database only),
      // then its connection is cut: every NOTIFY from here on is lost to the worker.
      await server().admin(async (client) => {
        await client.query(`CREATE FUNCTION refuse_listener() RETURNS event_trigger LANGUAGE plpgsql AS $$
          BEGIN IF current_setting('application_name') = 'durex-listener' THEN RAISE EXCEPTION 'fault injection: listener refused'; END IF; END $$`);
        await client.query('CREATE EVENT TRIGGER refuse_listener ON login EXECUTE FUNCTION refuse_listener()');
      });
      const cutAt = Date.now();
      const cut = await server().terminate(LISTENER);
      await waitFor(() => countLines(worker.lines(), { lost: /the LISTEN connection was lost/ }).lost === 1, { description: 'the loss logged' });

      const whileLost = await sample(SAMPLES, LOST_SAMPLES);
      const batchFrom = Date.now();
      const batch = await producer.addMany(Array.from({ length: BATCH }, (_, n) => ({ name: DRAIN_COMMAND, data: { batch: n } })));
      acknowledged.push(...batch.map((instance) => instance.id));
      await waitFor(() => readExecutions(worker.log).length === acknowledged.length, { timeout: POLL * 4, description: 'the batch drained by polling' });
      const batchMs = Date.now() - batchFrom;
      const listening = await server().admin(async (client) => (await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${LISTENER}`)).rows[0].n);
      expect(listening, 'no LISTEN connection came back while refused').toBe(0);

      await server().admin((client) => client.query('DROP EVENT TRIGGER refuse_listener'));
      const allowedAt = Date.now();
      await waitFor(() => countLines(worker.lines(), { back: /the LISTEN connection is back/ }).back === 1, {
        timeout: 20_000,
        description: 'the LISTEN connection back',
      });
      const reconnectMs = Date.now() - allowedAt;
      const after = await sample(SAMPLES + LOST_SAMPLES);

      await producer.stop();
      await stopWorkers([worker]);
      const figures = await checkDrain(db.query, db.schema, acknowledged, readExecutions(worker.log));
      expect(figures.lost).toBe(0);
      expect(figures.duplicated).toBe(0);
      expect(countLines(worker.lines(), { lost: /the LISTEN connection was lost/, back: /the LISTEN connection is back/ })).toEqual({ lost: 1, back: 1 });
      // NOTIFY wakes the idle worker at once, before the cut and after the reconnect; while it is
      // lost, only the poll finds new work, within one interval.
      expect(Math.max(...before)).toBeLessThan(WAKE_BOUND);
      expect(Math.max(...after)).toBeLessThan(WAKE_BOUND);
      expect(Math.max(...whileLost)).toBeLessThan(POLL + WAKE_BOUND);
      expect(median(whileLost)).toBeGreaterThanOrEqual(WAKE_BOUND);

      printFigures(
        'lost-notify',
        {
          load: `${SAMPLES} single jobs into an idle worker before, ${LOST_SAMPLES} + a batch of ${BATCH} while lost, ${SAMPLES} after; poll ${POLL} ms`,
          fault: `pg_terminate_backend on ${cut} LISTEN connection(s), its reconnections refused by a login trigger for ${allowedAt - cutAt} ms`,
          'enqueue→start before, ms': before.join(' '),
          'while lost, ms': whileLost.join(' '),
          'batch drained by polling in ms': batchMs,
          'reconnected after the refusal ended in ms': reconnectMs,
          'after, ms': after.join(' '),
        },
        figures,
      );
    },
    120_000,
  );
});

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
