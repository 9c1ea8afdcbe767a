import { join } from 'node:path';
import { Executor, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import type { FanInWorkerConfig } from './children/fan-in-worker.js';
import { CLEAN_EXIT } from './support/child-processes.js';
import { countById, readExecutions } from './support/execution-log.js';
import { useProcessTest } from './support/process-harness.js';

const PARENTS = 200;
const CHILDREN = 10;
const WORKERS = 3;
const WORKER = new URL('./children/fan-in-worker.ts', import.meta.url);

interface ChildRow {
  id: string;
  parent_id: string;
  status: string;
  error: string | null;
  data: { k: number; square?: number };
  completed_at: Date;
}

interface ThenRow {
  id: string;
  parent_id: string;
  data: { parent: number; seen: { id: string; status: string; error: string | null; square: number | null }[] };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** One way of running fan-ins, measured on its own. */
interface Phase {
  label: string;
  parents: number;
  thenPriority: number;
  /** Each fan-in enqueued once the previous one's continuation completed: the workers are idle when it ends. */
  oneAtATime: boolean;
}

const PHASES: readonly Phase[] = [
  { label: 'all at once, continuation queued behind the ready children', parents: PARENTS, thenPriority: 0, oneAtATime: false },
  { label: 'all at once, continuation with priority 1', parents: PARENTS, thenPriority: 1, oneAtATime: false },
  { label: 'one at a time, idle workers', parents: 30, thenPriority: 0, oneAtATime: true },
];

describe('fan-in across worker processes on one PostgreSQL schema', () => {
  const { spawnScript, postgres, tempDir } = useProcessTest();

  it(
    `runs each continuation exactly once, after all ${CHILDREN} of its children, with their outcomes`,
    async () => {
      const db = await postgres();
      const dir = await tempDir();
      const thenLogs = Array.from({ length: WORKERS }, (_, n) => join(dir, `then-${n}.log`));
      const childLogs = Array.from({ length: WORKERS }, (_, n) => join(dir, `child-${n}.log`));
      const workers = thenLogs.map((thenLog, n) => {
        const config: FanInWorkerConfig = {
          storage: db.forChild(4),
          executor: { parallelism: 10, claimBatchSize: 10 },
          children: CHILDREN,
          thenLog,
          childLog: childLogs[n]!,
        };
        return spawnScript(WORKER, config, `fan-in-${n}`);
      });
      await Promise.all(workers.map((worker) => worker.ready()));
      await Promise.all(workers.map((worker) => worker.start()));

      // Every fourth fan-in has one child that fails for good.
      const failing = (parent: number) => (parent % 4 === 0 ? parent % CHILDREN : -1);
      const producer = new Executor(db.storage, { commands: ['fanParent'] });
      const completed = async () => db.storage.count({ name: 'fanThen', status: Status.COMPLETED });
      const ranges: { phase: Phase; from: number; to: number; drainMs: number }[] = [];
      let next = 0;
      for (const phase of PHASES) {
        const from = next;
        const to = (next += phase.parents);
        const spec = (parent: number) => ({ name: 'fanParent', data: { parent, failAt: failing(parent), thenPriority: phase.thenPriority } });
        const started = Date.now();
        if (phase.oneAtATime) {
          for (let parent = from; parent < to; parent++) {
            await producer.add(spec(parent));
            await waitFor(async () => (await completed()) === parent + 1, { interval: 5, description: `continuation ${parent} COMPLETED` });
          }
        } else {
          await producer.addMany(Array.from({ length: phase.parents }, (_, n) => spec(from + n)));
          await waitFor(async () => (await completed()) === to, { timeout: 60_000, interval: 50, description: `${to} continuations COMPLETED` });
        }
        ranges.push({ phase, from, to, drainMs: Date.now() - started });
      }
      await producer.stop();
      const stopped = await Promise.all(workers.map((worker) => worker.stop()));
      expect(stopped.map(({ exit }) => exit)).toEqual(workers.map(() => CLEAN_EXIT));

      const total = next;
      const failures = Array.from({ length: total }, (_, parent) => failing(parent)).filter((k) => k >= 0).length;
      const counts = await db.query<{ name: string; status: string; n: number }>(
        `SELECT name, status, count(*)::int AS n FROM "${db.schema}".durex_instances GROUP BY name, status ORDER BY name, status`,
      );
      expect(counts).toEqual([
        { name: 'fanChild', status: Status.COMPLETED, n: total * CHILDREN - failures },
        { name: 'fanChild', status: Status.FAILED, n: failures },
        { name: 'fanParent', status: Status.COMPLETED, n: total },
        { name: 'fanThen', status: Status.COMPLETED, n: total },
      ]);

      const children = await db.query<ChildRow>(
        `SELECT id, parent_id, status, error, data, completed_at FROM "${db.schema}".durex_instances WHERE name = 'fanChild'`,
      );
      const thens = await db.query<ThenRow>(`SELECT id, parent_id, data FROM "${db.schema}".durex_instances WHERE name = 'fanThen'`);
      const childrenOf = new Map<string, ChildRow[]>();
      for (const child of children) childrenOf.set(child.parent_id, [...(childrenOf.get(child.parent_id) ?? []), child]);

      const thenRuns = readExecutions(...thenLogs);
      const runsPerThen = countById(thenRuns);
      expect(thenRuns).toHaveLength(total);
      expect([...runsPerThen.values()].every((runs) => runs === 1)).toBe(true);
      const runOf = new Map(thenRuns.map((run) => [run.id, run]));
      const pidOf = new Map(readExecutions(...childLogs).map((run) => [run.id, run.pid]));

      for (const { phase, from, to, drainMs } of ranges) {
        const latencies: number[] = [];
        let raced = 0;
        let spread = 0;
        for (const then of thens.filter(({ data }) => data.parent >= from && data.parent < to)) {
          const mine = childrenOf.get(then.parent_id)!.sort((a, b) => a.data.k - b.data.k);
          expect(then.data.seen).toEqual(
            mine.map((child) => ({ id: child.id, status: child.status, error: child.error, square: child.data.square ?? null })),
          );
          const byEnd = [...mine].sort((a, b) => b.completed_at.getTime() - a.completed_at.getTime());
          const [last, second] = byEnd;
          const run = runOf.get(then.id)!;
          expect(run.at).toBeGreaterThanOrEqual(last!.completed_at.getTime());
          latencies.push(run.at - last!.completed_at.getTime());
          if (new Set(mine.map((child) => pidOf.get(child.id))).size > 1) spread += 1;
          // The last two children ended within 2 ms of each other, in two processes.
          if (last!.completed_at.getTime() - second!.completed_at.getTime() <= 2 && pidOf.get(last!.id) !== pidOf.get(second!.id)) raced += 1;
        }
        expect(latencies).toHaveLength(phase.parents);
        if (!phase.oneAtATime) expect(spread).toBeGreaterThan(0);
        latencies.sort((a, b) => a - b);
        console.log(
          `[fan-in, ${phase.label}] ${phase.parents} fan-ins × ${CHILDREN} children on ${WORKERS} processes in ${drainMs} ms: ` +
            `each continuation ran once (${phase.parents} runs); children in more than one process: ${spread} fan-ins; ` +
            `last two children ending within 2 ms in two processes: ${raced}; ` +
            `last child end → continuation start p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms`,
        );
      }
    },
    90_000,
  );
});
