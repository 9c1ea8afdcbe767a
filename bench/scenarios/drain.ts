import { capped, CPU_METRIC, JOBS_METRIC, type MetricDef, type Metrics, RSS_METRIC, type RunContext, type Scenario, STORE_CPU_METRIC } from './scenario.js';
import { runWorkers, throughput } from './workers.js';

/** Pre-enqueues `wanted` jobs (fewer for polling-bound systems) in batches, then drains them. */
export async function drain(ctx: RunContext, wanted: number, parallelism: number, processes: number): Promise<Metrics> {
  const jobs = capped(ctx, wanted, parallelism, processes);
  await ctx.producer.call({ op: 'enqueue', args: { mode: 'many', count: jobs, batch: ctx.config.sizes.batch } });
  const out = await runWorkers(ctx, { processes, parallelism, expected: jobs });
  const per1k = (ms: number) => (ms / jobs) * 1000;
  return { jobsPerSecond: throughput(jobs, out), jobs, rssMb: out.rssMb, cpuMsPer1k: per1k(out.cpuMs), storeCpuMsPer1k: per1k(out.storeCpuMs) };
}

/** Throughput is charted for every drain; peak RSS only for the main one, where it says the most. */
export function drainMetrics(label: string, chartRss = false): MetricDef[] {
  return [
    { key: 'jobsPerSecond', label, unit: 'jobs/s', better: 'higher', chart: true },
    JOBS_METRIC,
    chartRss ? { ...RSS_METRIC, label: `${RSS_METRIC.label}, ${label}`, chart: true } : RSS_METRIC,
    CPU_METRIC,
    STORE_CPU_METRIC,
  ];
}

const RATE_NOTE =
  'Throughput runs from the moment the worker is ready (its start call has returned) to the last handler start, ' +
  'so process and library start-up are not counted but the first fetch is.';

export const drainParallel: Scenario = {
  name: 'drain',
  title: 'Drain, one worker process, parallelism 10',
  description: `Pre-enqueued jobs drained by one worker process running 10 handlers at once. ${RATE_NOTE}`,
  metrics: drainMetrics('drain, parallelism 10', true),
  run: (ctx) => drain(ctx, ctx.config.sizes.drain, ctx.config.sizes.parallelism, 1),
};

export const drainSerial: Scenario = {
  name: 'drain-serial',
  title: 'Drain, parallelism 1',
  description: `Pre-enqueued jobs drained by one worker process running one handler at a time. ${RATE_NOTE}`,
  metrics: drainMetrics('drain, parallelism 1'),
  run: (ctx) => drain(ctx, ctx.config.sizes.drainSerial, 1, 1),
};

export const drainMulti: Scenario = {
  name: 'drain-multi',
  title: 'Drain, two worker processes × parallelism 10',
  description: `Pre-enqueued jobs drained by two worker processes competing for the same queue. ${RATE_NOTE}`,
  metrics: drainMetrics('drain, 2 processes × 10'),
  run: (ctx) => drain(ctx, ctx.config.sizes.drainMulti, ctx.config.sizes.parallelism, ctx.config.sizes.processes),
};
