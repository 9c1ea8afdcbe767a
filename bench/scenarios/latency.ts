import { percentile } from '../stats.js';
import { RSS_METRIC, type Scenario } from './scenario.js';
import { runWorkers } from './workers.js';

/** Enqueue→handler-start latency into a started, idle worker, at a pace well under capacity. */
export const latency: Scenario = {
  name: 'latency',
  title: 'Idle latency',
  description:
    'A started worker (parallelism 10) sits idle, then jobs are enqueued one at a time on a fixed 20 ms schedule. ' +
    'Latency runs from just before the enqueue call to the start of the handler, in another process.',
  metrics: [
    { key: 'p50', label: 'idle latency p50', unit: 'ms', better: 'lower', chart: true },
    { key: 'p95', label: 'idle latency p95', unit: 'ms', better: 'lower' },
    { key: 'p99', label: 'idle latency p99', unit: 'ms', better: 'lower', chart: true },
    RSS_METRIC,
  ],
  async run(ctx) {
    const { latencyJobs: jobs, latencyGapMs: gapMs, parallelism } = ctx.config.sizes;
    const rate = ctx.system.maxJobsPerSecond?.(parallelism);
    if (rate !== undefined && rate < 1000 / gapMs) {
      ctx.note(`saturated: it starts at most ${rate} jobs/s, fewer than the ${1000 / gapMs} jobs/s offered`);
    }
    const out = await runWorkers(ctx, {
      processes: 1,
      parallelism,
      expected: jobs,
      idleMs: ctx.config.idleMs,
      feed: () => ctx.producer.call({ op: 'paced', count: jobs, gapMs }),
    });
    const values = Array.from(out.latency);
    return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), rssMb: out.rssMb };
  },
};
