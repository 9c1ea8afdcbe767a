// BullMQ: a queue, and a worker that processes every job name of it.
import { Queue, UnrecoverableError, Worker } from 'bullmq';

const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };

export const emailQueue = new Queue('email', { connection });

export const emailWorker = new Worker(
  'email',
  async (job) => {
    if (job.name !== 'welcome') return;
    if (!job.data.to) throw new UnrecoverableError('no address'); // no more attempts
    await sendMail(job.data.to, 'Welcome!');
  },
  { connection, concurrency: 4 },
);

async function sendMail(_to: string, _subject: string): Promise<void> {}
