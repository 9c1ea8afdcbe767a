import { drain, drainMetrics } from './drain.js';
import type { Scenario } from './scenario.js';

/** A drain on a table that already holds a long-running deployment's finished jobs. */
export const tablePressure: Scenario = {
  name: 'table-pressure',
  title: 'Drain over a table full of finished jobs',
  description:
    "Each system's own tables are first filled with finished jobs by INSERT … SELECT generate_series (BullMQ: a Lua " +
    'loop writing completed-job hashes), then vacuumed and analysed as autovacuum would have; then the drain runs ' +
    '(one process, parallelism 10). graphile-worker deletes completed jobs, so its rows are permanently failed ones, ' +
    'the only kind it keeps.',
  metrics: [
    ...drainMetrics('drain over finished rows'),
    { key: 'seedSeconds', label: 'seeding time (not measured work)', unit: 's', better: 'info' },
  ],
  async run(ctx) {
    const { pressureRows, pressureJobs, parallelism } = ctx.config.sizes;
    const { ms } = await ctx.producer.call({ op: 'seed', rows: pressureRows });
    return { ...(await drain(ctx, pressureJobs, parallelism, 1)), seedSeconds: ms / 1000 };
  },
};
