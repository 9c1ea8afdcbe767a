import { join } from 'node:path';
import { Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { CLEAN_EXIT } from './support/child-processes.js';
import { countById, readExecutions } from './support/execution-log.js';
import { useProcessTest } from './support/process-harness.js';

const EACH = 20;
/** Longer than the hand-over between the two processes, so the second must wait for the delayed jobs. */
const DELAY = 3_000;
/** Far longer than the test: delayed jobs must start at their readyAt, not at a poll. */
const POLL = 10_000;

describe('a SQLite file handed from one process to the next', () => {
  const { spawn, sqlite, tempDir } = useProcessTest();

  it(
    'keeps pending and delayed jobs, and the next process runs the delayed ones at their readyAt',
    async () => {
      const dir = await tempDir();
      const database = join(dir, 'durex.db');
      const log = join(dir, 'worker.log');
      const specs = [
        ...Array.from({ length: EACH }, (_, n) => ({ name: 'now', data: { n } })),
        ...Array.from({ length: EACH }, (_, n) => ({ name: 'later', data: { n }, delay: DELAY })),
      ];
      const producer = spawn('producer', { storage: { type: 'sqlite', database }, specs });
      // Loaded beside the producer, but opens the file only when told to, after the producer is gone.
      const worker = spawn('worker', {
        storage: { type: 'sqlite', database },
        executor: { parallelism: 10, pollInterval: POLL },
        commands: ['now', 'later'],
        behaviour: 'complete',
        log,
      });

      const { ids } = await producer.next('enqueued');
      expect(await producer.finished()).toEqual(CLEAN_EXIT);
      const storage = await sqlite(database);
      expect(await storage.countBy('status')).toEqual({ [Status.PENDING]: 2 * EACH });

      const workerStartedAt = await worker.start();
      await waitFor(async () => (await storage.count({ status: Status.COMPLETED })) === 2 * EACH, {
        timeout: 30_000,
        description: 'every job COMPLETED in the second process',
      });
      expect((await worker.stop()).exit).toEqual(CLEAN_EXIT);

      const executions = readExecutions(log);
      expect(executions.every((execution) => execution.pid === worker.pid)).toBe(true);
      const counts = countById(executions);
      expect([...counts.keys()].sort()).toEqual([...ids].sort());
      expect([...counts.values()].every((count) => count === 1)).toBe(true);

      const delayed = await storage.find({ name: 'later' });
      const readyAt = new Map(delayed.map((instance) => [instance.id, instance.readyAt.getTime()]));
      // Otherwise the second process found them already due, and waiting for them was not tested.
      expect(workerStartedAt).toBeLessThan(Math.min(...readyAt.values()));
      const lateness = executions.filter((execution) => readyAt.has(execution.id)).map((execution) => execution.at - readyAt.get(execution.id)!);
      expect(lateness).toHaveLength(EACH);
      expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...lateness)).toBeLessThan(POLL / 2);
      console.log(
        `[sqlite-restart] ${EACH} pending + ${EACH} delayed jobs survived the producer's exit; delayed ones started ` +
          `${Math.min(...lateness)}–${Math.max(...lateness)} ms after their readyAt (poll interval ${POLL} ms)`,
      );
    },
    60_000,
  );
});
