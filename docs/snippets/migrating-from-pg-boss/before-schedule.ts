import type PgBoss from 'pg-boss';

export async function scheduleDigest(boss: PgBoss): Promise<void> {
  await boss.createQueue('digest');
  await boss.schedule('digest', '0 6 * * *', { kind: 'daily' }, { tz: 'Europe/Paris' });
  await boss.work('digest', async ([job]) => console.log('digest', job!.data));
}
