import { SCENARIO_NAMES, type ScenarioName } from './scenarios/names.js';
import { SYSTEM_NAMES, type SystemName } from './systems.js';

/** How big each scenario is. */
export interface Sizes {
  /** Jobs enqueued in each enqueue scenario. */
  enqueue: number;
  /** Jobs per batch-API call, wherever jobs are enqueued in bulk (bounded by PostgreSQL's 65,535 parameters). */
  batch: number;
  /** Jobs drained by one worker process at `parallelism`. */
  drain: number;
  parallelism: number;
  /** Jobs drained at parallelism 1. */
  drainSerial: number;
  /** Jobs drained by `processes` worker processes at `parallelism` each. */
  drainMulti: number;
  processes: number;
  /** Jobs enqueued one at a time, `latencyGapMs` apart, into an idle worker. */
  latencyJobs: number;
  latencyGapMs: number;
  /** Workflows of `workflowSteps` steps. */
  workflows: number;
  workflowSteps: number;
  /** Finished rows seeded before the table-pressure drain… */
  pressureRows: number;
  /** …and the jobs it then drains. */
  pressureJobs: number;
}

export interface BenchConfig {
  smoke: boolean;
  repeat: number;
  systems: SystemName[];
  scenarios: ScenarioName[];
  sizes: Sizes;
  /** Server connection used to create and drop each run's database. */
  postgresAdminUrl: string;
  redis: { host: string; port: number; db: number };
  /** A system bounded by polling runs only as many jobs as it can finish in this time. */
  maxSeconds: number;
  /** A run fails when no job has run for this long. */
  stallSeconds: number;
  /** A run still going after this long fails, and its processes are killed. */
  runTimeoutSeconds: number;
  /** How long a drained worker is watched for duplicate executions before it is stopped. */
  settleMs: number;
  /** How long an idle worker runs before the latency scenario starts enqueueing. */
  idleMs: number;
  /** Where the report goes, relative to the repository. */
  output: string;
}

const FULL: Sizes = {
  enqueue: 10_000,
  batch: 1_000,
  drain: 20_000,
  parallelism: 10,
  drainSerial: 5_000,
  drainMulti: 20_000,
  processes: 2,
  latencyJobs: 300,
  latencyGapMs: 20,
  workflows: 2_000,
  workflowSteps: 3,
  pressureRows: 1_000_000,
  pressureJobs: 20_000,
};

/** Tiny, for `bench:smoke`: proves every adapter and scenario works end to end, measures nothing. */
const SMOKE: Sizes = {
  ...FULL,
  enqueue: 100,
  batch: 50,
  drain: 200,
  drainSerial: 20,
  drainMulti: 200,
  latencyJobs: 10,
  workflows: 20,
  pressureRows: 2_000,
  pressureJobs: 100,
};

/** Reads the command line (`--smoke`) and the BENCH_* environment variables (see bench/README.md). */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BenchConfig {
  const smoke = argv.includes('--smoke') || env.BENCH_SMOKE === '1';
  const redisUrl = new URL(env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/1');
  return {
    smoke,
    repeat: positiveInt('BENCH_REPEAT', env.BENCH_REPEAT, smoke ? 1 : 3),
    systems: list('BENCH_SYSTEMS', env.BENCH_SYSTEMS, SYSTEM_NAMES),
    scenarios: list('BENCH_SCENARIOS', env.BENCH_SCENARIOS, SCENARIO_NAMES),
    sizes: scaled(smoke ? SMOKE : FULL, env.BENCH_SCALE),
    postgresAdminUrl: env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redis: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), db: Number(redisUrl.pathname.slice(1) || 1) },
    maxSeconds: positiveInt('BENCH_MAX_SECONDS', env.BENCH_MAX_SECONDS, smoke ? 2 : 30),
    stallSeconds: positiveInt('BENCH_STALL_SECONDS', env.BENCH_STALL_SECONDS, smoke ? 20 : 60),
    runTimeoutSeconds: positiveInt('BENCH_RUN_TIMEOUT_SECONDS', env.BENCH_RUN_TIMEOUT_SECONDS, smoke ? 120 : 900),
    settleMs: smoke ? 100 : 500,
    idleMs: smoke ? 200 : 1_000,
    output: env.BENCH_OUTPUT ?? (smoke ? 'bench/.work/RESULTS.smoke.md' : 'bench/RESULTS.md'),
  };
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function list<T extends string>(name: string, raw: string | undefined, known: readonly T[]): T[] {
  if (!raw) return [...known];
  const picked = raw.split(',').map((item) => item.trim()).filter(Boolean);
  const unknown = picked.filter((item) => !known.includes(item as T));
  if (unknown.length) throw new Error(`${name}: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return picked as T[];
}

/** BENCH_SCALE multiplies every job count, e.g. 0.1 for a quicker look; gaps, batches and parallelism stay. */
function scaled(sizes: Sizes, raw: string | undefined): Sizes {
  if (!raw) return sizes;
  const factor = Number(raw);
  if (!(factor > 0)) throw new Error(`BENCH_SCALE must be a number > 0, got "${raw}"`);
  const n = (value: number) => Math.max(1, Math.round(value * factor));
  return {
    ...sizes,
    enqueue: n(sizes.enqueue),
    drain: n(sizes.drain),
    drainSerial: n(sizes.drainSerial),
    drainMulti: n(sizes.drainMulti),
    latencyJobs: n(sizes.latencyJobs),
    workflows: n(sizes.workflows),
    pressureRows: n(sizes.pressureRows),
    pressureJobs: n(sizes.pressureJobs),
  };
}
