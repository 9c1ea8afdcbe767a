import { percentile } from '../stats.js';
import { capped, type Scenario } from './scenario.js';
import { runWorkers } from './workers.js';

/** Three-step sequences: durex declares the sequence up front, the peers' handlers enqueue each next step. */
export const workflow: Scenario = {
  name: 'workflow',
  title: 'Workflows of three steps',
  description:
    'Three-step sequences (durex: Spec.sequence + continueSequence; the peers: each handler enqueues the next job), ' +
    'started through the batch API into a running worker (parallelism 10). End to end runs from enqueueing a ' +
    "workflow's first step to the start of its last; total from the first enqueue to the last step of the last workflow.",
  metrics: [
    { key: 'workflowsPerSecond', label: 'workflows', unit: 'workflows/s', better: 'higher', chart: true },
    { key: 'totalSeconds', label: 'total', unit: 's', better: 'lower' },
    { key: 'p50', label: 'workflow end to end p50', unit: 'ms', better: 'lower' },
    { key: 'p95', label: 'workflow end to end p95', unit: 'ms', better: 'lower' },
    { key: 'workflows', label: 'workflows', unit: '', better: 'info' },
  ],
  async run(ctx) {
    const { workflows: wanted, workflowSteps: steps, parallelism, batch } = ctx.config.sizes;
    const workflows = capped(ctx, wanted, parallelism, 1, steps);
    let startedAt = 0;
    const out = await runWorkers(ctx, {
      processes: 1,
      parallelism,
      expected: workflows * steps,
      feed: async () => {
        ({ startedAt } = await ctx.producer.call({ op: 'enqueue', args: { mode: 'workflows', count: workflows, batch, steps } }));
      },
    });
    const endToEnd = Array.from({ length: workflows }, (_, w) => out.latency[w * steps + steps - 1]!);
    const totalSeconds = (out.lastAt - startedAt) / 1000;
    return {
      workflowsPerSecond: workflows / totalSeconds,
      totalSeconds,
      p50: percentile(endToEnd, 50),
      p95: percentile(endToEnd, 95),
      workflows,
    };
  },
};
