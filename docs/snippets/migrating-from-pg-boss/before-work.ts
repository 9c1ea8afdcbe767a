// pg-boss 10: start the boss, create the queue, register a worker loop.
import PgBoss from 'pg-boss';

export const boss = new PgBoss(process.env.DATABASE_URL!);

export async function startEmailWorker(): Promise<void> {
  await boss.start(); // runs pg-boss's migrations
  await boss.createQueue('email', { name: 'email', retryLimit: 3, retryDelay: 1, retryBackoff: true, deadLetter: 'email-failed' });
  await boss.work<{ to: string }>('email', { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
    await sendMail(job!.data.to, 'Welcome!');
  });
}

async function sendMail(_to: string, _subject: string): Promise<void> {}
