import { QueueEvents, Worker } from 'bullmq';

const connection = { host: '127.0.0.1', port: 6379 };

// Every process hears about every job, through Redis streams.
const events = new QueueEvents('email', { connection });
events.on('failed', ({ jobId, failedReason }) => console.error(`job ${jobId} failed: ${failedReason}`));

// Or the worker's own jobs only.
export function watch(worker: Worker): void {
  worker.on('completed', (job) => console.log(`job ${job.id} done`));
}
