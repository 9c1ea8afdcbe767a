import { Queue } from 'bullmq';

const reports = new Queue('reports', { connection: { host: '127.0.0.1', port: 6379 } });

export async function scheduleDigest(): Promise<void> {
  await reports.upsertJobScheduler('nightly-digest', { pattern: '0 6 * * *', tz: 'Europe/Paris' }, { name: 'digest', data: { kind: 'daily' } });
}

export async function stopDigest(): Promise<void> {
  await reports.removeJobScheduler('nightly-digest');
}
