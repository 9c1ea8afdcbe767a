import type PgBoss from 'pg-boss';

export function observe(boss: PgBoss): void {
  boss.on('error', (error) => console.error(error)); // pg-boss's own errors
  boss.on('wip', (workers) => console.log(`${workers.length} workers busy`));
}
