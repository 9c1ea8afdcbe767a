import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Executor, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { countById, readExecutions } from '../processes/support/execution-log.js';
import { useProcessTest } from '../processes/support/process-harness.js';
import { waitFor } from '../support/wait-for.js';
import { checkDrain, printFigures } from './support/drain-history.js';
import { type FaultWorkerConfig, FAULT_WORKER } from './support/fault-worker.config.js';
import { readLogLines } from './support/file-logger.js';
import { EXHAUST_HEAP, HOSTILE_CASES, HOSTILE_CHILD, HOSTILE_TIMEOUT } from './support/hostile-handlers.js';

const GOOD = 'good';
/** Instances of each misbehaving command: the hanging ones alone are three times the worker slots. */
const EACH = 3;
const GOOD_JOBS = 60;
const ACTIVE = [Status.PENDING, Status.STARTED, Status.REPEATING];

describe('a worker process whose handlers misbehave', () => {
  const { spawnScript, postgres, tempDir } = useProcessTest();

  it(
    'fails each misbehaving attempt with a telling error, frees its worker, ignores late results, and keeps serving the others',
    async () => {
      const db = await postgres();
      const dir = await tempDir();
      const log = join(dir, 'worker.log');
      const logLines = join(dir, 'worker.lines');
      const config: FaultWorkerConfig = {
        storage: db.forChild(4),
        executor: { parallelism: 2, pollInterval: 200 },
        commands: [GOOD],
        workMs: 0,
        hostile: true,
        log,
        logLines,
      };
      const worker = spawnScript(FAULT_WORKER, config, 'worker');
      await worker.start();

      const producer = new Executor(db.storage, { commands: [GOOD, ...HOSTILE_CASES.map((c) => c.name)] });
      const from = Date.now();
      // Misbehaving and good jobs interleaved, so a slot a bad handler kept would starve good ones.
      const specs = HOSTILE_CASES.flatMap((hostile) =>
        Array.from({ length: EACH }, (_, n) => [
          { name: hostile.name, data: { n }, ...hostile.spec },
          ...Array.from({ length: GOOD_JOBS / (EACH * HOSTILE_CASES.length) + 1 }, () => ({ name: GOOD })),
        ]).flat(),
      );
      const added = await producer.addMany(specs);
      await producer.stop();
      await waitFor(async () => (await db.storage.count({ status: ACTIVE })) === 0, { timeout: 60_000, interval: 50, description: 'every instance finished' });
      const finishedMs = Date.now() - from;
      // The late handlers resolve three timeouts after they started: give them that, then look for what they returned.
      await sleep(HOSTILE_TIMEOUT * 3);

      const outcomes: string[] = [];
      for (const hostile of HOSTILE_CASES) {
        const instances = await db.storage.find({ name: hostile.name });
        expect(instances, hostile.name).toHaveLength(EACH);
        for (const instance of instances) {
          expect([hostile.name, instance.status]).toEqual([hostile.name, Status.FAILED]);
          expect(instance.error, `${hostile.name}: ${hostile.does}`).toMatch(hostile.error);
        }
        outcomes.push(`${hostile.does} → FAILED "${instances[0]!.error!.slice(0, 70)}"`);
      }
      expect(await db.storage.count({ name: HOSTILE_CHILD }), 'children returned after the timeout').toBe(0);
      const good = added.filter((instance) => instance.name === GOOD).map((instance) => instance.id);
      const counts = countById(readExecutions(log));
      expect(added.filter((instance) => counts.get(instance.id) !== 1).map((i) => i.name)).toEqual([]);

      // Still serving: a job enqueued now runs, and the process stops cleanly with nothing left hanging.
      const late = await new Executor(db.storage, { commands: [GOOD] }).add({ name: GOOD });
      good.push(late.id);
      await waitFor(async () => (await db.storage.get(late.id))?.status === Status.COMPLETED, { description: 'a job enqueued afterwards completed' });
      expect((await worker.stop()).exit).toEqual({ code: 0, signal: null });
      const figures = await checkDrain(db.query, db.schema, good, readExecutions(log).filter((e) => good.includes(e.id)));
      expect(figures.lost).toBe(0);
      const lines = readLogLines(logLines);
      expect(lines.filter((line) => /could not record|failed:.*(TypeError|Cannot read)/.test(line.message)).map((line) => line.message)).toEqual([]);

      printFigures(
        'misbehaving',
        {
          load: `${HOSTILE_CASES.length} misbehaving commands × ${EACH} and ${good.length} good jobs on 1 process × ${config.executor.parallelism} workers`,
          'all finished in ms': finishedMs,
          outcomes: outcomes.join('; '),
        },
        figures,
      );
    },
    120_000,
  );

  it(
    'survives a handler that exhausts its own process heap: the crash loop ends in the dead letter queue, the rest complete',
    async () => {
      const db = await postgres();
      const dir = await tempDir();
      let generation = 0;
      const crashes: string[] = [];
      const logs: string[] = [];
      const spawnWorker = () => {
        const label = `worker-${generation++}`;
        const log = join(dir, `${label}.log`);
        logs.push(log);
        const config: FaultWorkerConfig = {
          storage: db.forChild(4),
          executor: { parallelism: 4, pollInterval: 200, deadLetterQueue: true, lease: { duration: 2_000, renewInterval: 500 }, stuckRecovery: { interval: 300 } },
          commands: [GOOD],
          workMs: 5,
          hostile: true,
          log,
          logLines: join(dir, `${label}.lines`),
        };
        // A small heap, so the handler exhausts it in a moment; V8 then aborts the whole process.
        const child = spawnScript(FAULT_WORKER, config, label, ['--max-old-space-size=128']);
        void child.start().catch(() => undefined);
        void child.exited.then((exit) => crashes.push(`${label}: code ${exit.code}, signal ${exit.signal}`));
        return child;
      };
      let workers = [spawnWorker(), spawnWorker()];

      const producer = new Executor(db.storage, { commands: [GOOD, EXHAUST_HEAP] });
      const good = (await producer.addMany(Array.from({ length: GOOD_JOBS }, () => ({ name: GOOD, retries: 2 })))).map((instance) => instance.id);
      // First in line, so it is claimed at once; one retry, so it may crash two processes and no more.
      const hog = await producer.add({ name: EXHAUST_HEAP, retries: 1, priority: 10 });
      await producer.stop();

      // A supervisor's job: replace each process that died, until the hog has been dealt with.
      await waitFor(
        async () => {
          workers = workers.map((worker) => (crashes.some((crash) => crash.startsWith(`${worker.label}:`)) ? spawnWorker() : worker));
          return (await db.storage.get(hog.id))?.status === Status.DEAD_LETTER;
        },
        { timeout: 120_000, interval: 100, description: 'the heap-exhausting instance dead-lettered' },
      );
      await waitFor(async () => (await db.storage.count({ status: Status.COMPLETED })) === GOOD_JOBS, {
        timeout: 60_000,
        description: 'every good job COMPLETED',
      });
      await Promise.all(workers.map((worker) => worker.stop()));

      const dead = await producer.get(hog.id);
      expect([dead.attempt, dead.retries]).toEqual([2, 0]);
      expect(dead.history.filter((event) => event.type === 'recovered' && /lease of .* expired/.test(event.message ?? ''))).toHaveLength(2);
      const executions = readExecutions(...logs);
      expect(executions.filter((e) => e.id === hog.id)).toHaveLength(2);
      expect(crashes.filter((crash) => /code 134|signal SIGABRT/.test(crash))).toHaveLength(2);
      const figures = await checkDrain(db.query, db.schema, good, executions.filter((e) => e.id !== hog.id));
      expect(figures.lost).toBe(0);

      printFigures(
        'heap-exhausted',
        {
          load: `${GOOD_JOBS} good jobs and 1 heap-exhausting job (retries 1) on 2 processes × 4 workers, --max-old-space-size=128`,
          'processes that died': crashes.filter((crash) => /134|SIGABRT/.test(crash)).join('; '),
          'the hog': `${dead.status} after ${dead.attempt} attempts`,
        },
        figures,
      );
    },
    180_000,
  );
});
