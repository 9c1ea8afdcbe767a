import type { BenchAdapter, Target } from './adapter.js';

/** Every benchmarked system; a variant of one library is a system of its own. */
export const SYSTEM_NAMES = ['durex', 'graphile-worker', 'graphile-worker-batched', 'pg-boss', 'pg-boss-batch', 'bullmq'] as const;
export type SystemName = (typeof SYSTEM_NAMES)[number];

export interface SystemInfo {
  name: SystemName;
  /** The package whose installed version the report names. */
  packageName: string;
  store: 'postgres' | 'redis';
  /** How it is configured, in one line, for the report. */
  configuration: string;
  /** Environment of its child processes. */
  env?: Record<string, string>;
  /**
   * The most jobs per second it can start by design, when a polling interval bounds it. The
   * harness shrinks a run's job count to what this rate finishes in `BENCH_MAX_SECONDS`.
   */
  maxJobsPerSecond?: (parallelism: number) => number;
  /** Loads the adapter only in the child that uses it, so no process carries another system's code. */
  create(target: Target): Promise<BenchAdapter>;
}

const PG_BOSS_POLL_SECONDS = 0.5;
const PG_BOSS_BATCH_SIZE = 50;

/**
 * durex's buffer of claimed jobs: the size of graphile-worker-batched's local queue, which makes the
 * same trade-off (claimed jobs wait in the process; after a crash, for their lease or lock).
 */
const DUREX_PREFETCH = 500;

/** durex's options, plus BENCH_DUREX_OPTIONS (executor options as JSON) to try other settings. */
function durexOptions(): Record<string, unknown> {
  return { prefetch: DUREX_PREFETCH, ...(JSON.parse(process.env.BENCH_DUREX_OPTIONS || '{}') as Record<string, unknown>) };
}

export const SYSTEMS: Record<SystemName, SystemInfo> = {
  durex: {
    name: 'durex',
    packageName: 'nestjs-durex',
    store: 'postgres',
    configuration: `Executor defaults (completionBatchDelay 0, LISTEN/NOTIFY) with \`parallelism\` and \`prefetch: ${DUREX_PREFETCH}\` (claims parallelism + ${DUREX_PREFETCH} at a time)`,
    async create(target) {
      const { DurexAdapter } = await import('./adapters/durex.js');
      return new DurexAdapter(target, durexOptions());
    },
  },
  'graphile-worker': {
    name: 'graphile-worker',
    packageName: 'graphile-worker',
    store: 'postgres',
    configuration: 'defaults; `concurrency` = parallelism; NO_LOG_SUCCESS=1',
    env: { NO_LOG_SUCCESS: '1' },
    async create(target) {
      const { GraphileWorkerAdapter } = await import('./adapters/graphile-worker.js');
      return new GraphileWorkerAdapter(target, false);
    },
  },
  'graphile-worker-batched': {
    name: 'graphile-worker-batched',
    packageName: 'graphile-worker',
    store: 'postgres',
    configuration: 'its performance page\'s batching: localQueue.size 500, completeJobBatchDelay 0, failJobBatchDelay 0',
    env: { NO_LOG_SUCCESS: '1' },
    async create(target) {
      const { GraphileWorkerAdapter } = await import('./adapters/graphile-worker.js');
      return new GraphileWorkerAdapter(target, true);
    },
  },
  'pg-boss': {
    name: 'pg-boss',
    packageName: 'pg-boss',
    store: 'postgres',
    configuration: `\`parallelism\` work() loops, batchSize 1, pollingIntervalSeconds ${PG_BOSS_POLL_SECONDS} (its minimum)`,
    maxJobsPerSecond: (parallelism) => parallelism / PG_BOSS_POLL_SECONDS,
    async create(target) {
      const { PgBossAdapter } = await import('./adapters/pg-boss.js');
      return new PgBossAdapter(target, 1, PG_BOSS_POLL_SECONDS);
    },
  },
  'pg-boss-batch': {
    name: 'pg-boss-batch',
    packageName: 'pg-boss',
    store: 'postgres',
    configuration: `\`parallelism\` work() loops, batchSize ${PG_BOSS_BATCH_SIZE}, pollingIntervalSeconds ${PG_BOSS_POLL_SECONDS}`,
    maxJobsPerSecond: (parallelism) => (parallelism * PG_BOSS_BATCH_SIZE) / PG_BOSS_POLL_SECONDS,
    async create(target) {
      const { PgBossAdapter } = await import('./adapters/pg-boss.js');
      return new PgBossAdapter(target, PG_BOSS_BATCH_SIZE, PG_BOSS_POLL_SECONDS);
    },
  },
  bullmq: {
    name: 'bullmq',
    packageName: 'bullmq',
    store: 'redis',
    configuration: 'stock Queue and Worker; `concurrency` = parallelism; Redis db flushed per run',
    async create(target) {
      const { BullMqAdapter } = await import('./adapters/bullmq.js');
      return new BullMqAdapter(target);
    },
  },
};
