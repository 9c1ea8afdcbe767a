import type PgBoss from 'pg-boss';

export async function welcome(boss: PgBoss, userId: string, to: string): Promise<string | null> {
  return boss.send(
    'email',
    { to },
    {
      startAfter: 5, // seconds
      priority: 1, // higher runs first
      singletonKey: `welcome:${userId}`, // deduplicates only under a short, singleton or stately queue policy
      retryLimit: 5,
    },
  ); // null when the job was not created
}
