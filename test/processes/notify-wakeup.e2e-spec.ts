import { join } from 'node:path';
import { Executor, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { CLEAN_EXIT } from './support/child-processes.js';
import { readExecutions } from './support/execution-log.js';
import { useProcessTest } from './support/process-harness.js';

const JOBS = 50;
/** Delayed jobs enqueued together, due one after another: the idle worker must wake for each readyAt. */
const DELAYED = 5;
const DELAY_STEP = 300;
/** The fallback poll: a job found by polling would wait seconds, one woken by NOTIFY milliseconds. */
const POLL = 10_000;
/** Far below the poll interval, and loose enough for a loaded machine. */
const WAKE_BOUND = 2_000;

describe('an idle worker process', () => {
  const { spawn, postgres, tempDir } = useProcessTest();

  it(
    'is woken through LISTEN/NOTIFY by jobs another process enqueues, long before its next poll, and runs delayed ones at their readyAt',
    async () => {
      const db = await postgres();
      const log = join(await tempDir(), 'worker.log');
      const worker = spawn('worker', { storage: db.forChild(2), executor: { pollInterval: POLL }, commands: ['wake'], behaviour: 'complete', log });
      await worker.start();

      // This test process is the producer. One job at a time, each after the last finished, so
      // every job finds the worker idle, asleep for up to the poll interval.
      const producer = new Executor(db.storage, { commands: ['wake'] });
      const enqueuedAt = new Map<string, number>();
      for (let n = 0; n < JOBS; n += 1) {
        const before = Date.now();
        const { id } = await producer.add({ name: 'wake', data: { n } });
        enqueuedAt.set(id, before);
        await waitFor(async () => (await db.storage.get(id))?.status === Status.COMPLETED, { interval: 5, description: `job ${n} COMPLETED` });
      }
      const delayed = await producer.addMany(Array.from({ length: DELAYED }, (_, n) => ({ name: 'wake', delay: (n + 1) * DELAY_STEP })));
      await waitFor(async () => (await db.storage.count({ status: Status.COMPLETED })) === JOBS + DELAYED, {
        description: 'the delayed jobs COMPLETED',
      });
      await producer.stop();
      expect((await worker.stop()).exit).toEqual(CLEAN_EXIT);

      const executions = readExecutions(log);
      const readyAt = new Map(delayed.map((instance) => [instance.id, instance.readyAt.getTime()]));
      const lateness = executions.filter((execution) => readyAt.has(execution.id)).map((execution) => execution.at - readyAt.get(execution.id)!);
      expect(lateness).toHaveLength(DELAYED);
      expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...lateness)).toBeLessThan(WAKE_BOUND);
      const latencies = executions
        .filter((execution) => enqueuedAt.has(execution.id))
        .map((execution) => execution.at - enqueuedAt.get(execution.id)!)
        .sort((a, b) => a - b);
      expect(latencies).toHaveLength(JOBS);
      expect(latencies.at(-1)).toBeLessThan(WAKE_BOUND);
      const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
      console.log(
        `[notify-wakeup] enqueue→start over ${JOBS} jobs, worker poll interval ${POLL} ms: ` +
          `p50 ${percentile(50)} ms, p99 ${percentile(99)} ms, max ${latencies.at(-1)} ms; ` +
          `${DELAYED} delayed jobs started ${Math.min(...lateness)}–${Math.max(...lateness)} ms after their readyAt`,
      );
    },
    60_000,
  );
});
