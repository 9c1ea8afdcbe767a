import type { EnqueueMode } from '../agent/protocol.js';
import { VerificationError } from '../verify.js';
import { JOBS_METRIC, type Metrics, type RunContext, type Scenario } from './scenario.js';

/**
 * Enqueue speed. Nothing consumes, so the check is that the queue then holds exactly the jobs
 * enqueued; that each enqueued job runs exactly once is what the drain scenarios check.
 */
async function enqueue(ctx: RunContext, mode: EnqueueMode): Promise<Metrics> {
  const { enqueue: count, batch } = ctx.config.sizes;
  const { ms } = await ctx.producer.call({ op: 'enqueue', args: { mode, count, batch } });
  const stored = await ctx.producer.call({ op: 'unfinished' });
  if (stored !== count) throw new VerificationError(`${stored} jobs in the queue after enqueueing ${count}`);
  return { jobsPerSecond: count / (ms / 1000), jobs: count };
}

export const enqueueOne: Scenario = {
  name: 'enqueue-one',
  title: 'Enqueue, one call per job',
  description: 'Jobs enqueued one awaited call at a time (durex add, graphile addJob, pg-boss send, BullMQ add).',
  metrics: [{ key: 'jobsPerSecond', label: 'enqueue one at a time', unit: 'jobs/s', better: 'higher', chart: true }, JOBS_METRIC],
  run: (ctx) => enqueue(ctx, 'one'),
};

export const enqueueBatch: Scenario = {
  name: 'enqueue-batch',
  title: 'Enqueue through the batch API',
  description: 'The same jobs through each batch API, one call per batch (durex addMany, graphile addJobs, pg-boss insert, BullMQ addBulk).',
  metrics: [{ key: 'jobsPerSecond', label: 'enqueue in batches', unit: 'jobs/s', better: 'higher', chart: true }, JOBS_METRIC],
  run: (ctx) => enqueue(ctx, 'many'),
};
