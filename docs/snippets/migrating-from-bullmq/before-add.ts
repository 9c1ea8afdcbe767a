import { Queue } from 'bullmq';

const emailQueue = new Queue('email', { connection: { host: '127.0.0.1', port: 6379 } });

export async function welcome(userId: string, to: string): Promise<void> {
  await emailQueue.add(
    'welcome',
    { to },
    {
      attempts: 4, // attempts in all
      backoff: { type: 'exponential', delay: 1_000 },
      delay: 5_000,
      priority: 1, // lower runs first; 0 means no priority
      jobId: `welcome:${userId}`, // ignored while a job with this id exists
      removeOnComplete: true,
    },
  );
}
