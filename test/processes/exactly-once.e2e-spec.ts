import { join } from 'node:path';
import { Executor, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { CLEAN_EXIT } from './support/child-processes.js';
import { countById, readExecutions } from './support/execution-log.js';
import { useProcessTest } from './support/process-harness.js';

const JOBS = 10_000;
const CHUNK = 1_000;
const WORKERS = 3;

describe('three worker processes on one PostgreSQL schema', () => {
  const { spawn, postgres, tempDir } = useProcessTest();

  it(
    `execute each of ${JOBS} instances exactly once between them`,
    async () => {
      const db = await postgres();
      const dir = await tempDir();
      const logs = Array.from({ length: WORKERS }, (_, n) => join(dir, `worker-${n}.log`));
      // Forked first: they load while the test enqueues, and start together so all three compete.
      const workers = logs.map((log, n) =>
        spawn(
          'worker',
          { storage: db.forChild(4), executor: { parallelism: 10, claimBatchSize: 10 }, commands: ['exactlyOnce'], behaviour: 'complete', log },
          `worker-${n}`,
        ),
      );

      const producer = new Executor(db.storage, { commands: ['exactlyOnce'] });
      const ids: string[] = [];
      for (let from = 0; from < JOBS; from += CHUNK) {
        const chunk = Array.from({ length: CHUNK }, (_, n) => ({ name: 'exactlyOnce', data: { n: from + n } }));
        ids.push(...(await producer.addMany(chunk)).map((instance) => instance.id));
      }
      await producer.stop();
      expect(await db.storage.count({ status: Status.PENDING })).toBe(JOBS);

      // All loaded first, then told to start in one go, so none has a head start.
      await Promise.all(workers.map((worker) => worker.ready()));
      await Promise.all(workers.map((worker) => worker.start()));
      const drainStarted = Date.now();
      await waitFor(async () => (await db.storage.count({ status: Status.COMPLETED })) === JOBS, {
        timeout: 120_000,
        interval: 250,
        description: `all ${JOBS} instances COMPLETED`,
      });
      const drainMs = Date.now() - drainStarted;

      const stopped = await Promise.all(workers.map((worker) => worker.stop()));
      expect(stopped.map(({ exit }) => exit)).toEqual(workers.map(() => CLEAN_EXIT));

      expect(await db.storage.countBy('status')).toEqual({ [Status.COMPLETED]: JOBS });
      const [{ reclaimed }] = await db.query<{ reclaimed: number }>(
        `SELECT count(*)::int AS reclaimed FROM "${db.schema}".durex_instances WHERE attempt <> 1`,
      );
      expect(reclaimed).toBe(0);

      const executions = readExecutions(...logs);
      const counts = countById(executions);
      const repeated = [...counts].filter(([, count]) => count > 1);
      expect(repeated).toEqual([]);
      expect(executions).toHaveLength(JOBS);
      expect([...counts.keys()].sort()).toEqual([...ids].sort());

      const perProcess = workers.map((worker) => executions.filter((execution) => execution.pid === worker.pid).length);
      expect(perProcess.every((count) => count > 0)).toBe(true);
      expect(stopped.map(({ executions }) => executions)).toEqual(perProcess);
      console.log(
        `[exactly-once] ${JOBS} instances drained by ${WORKERS} processes in ${drainMs} ms; executions per process: ${workers
          .map((worker, n) => `pid ${worker.pid}: ${perProcess[n]}`)
          .join(', ')}; executed more than once: ${repeated.length}`,
      );
    },
    180_000,
  );
});
