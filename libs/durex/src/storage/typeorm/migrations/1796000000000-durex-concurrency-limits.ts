import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent } from '../postgres.sql.js';
import { migrationTarget } from './migration-target.js';

/**
 * Indexes of both databases. Only keyed rows enter them (the predicates), so instances without a
 * concurrency key, the common case, pay nothing more on claim and completion.
 */
function indexes(instances: string, starts: string): string[] {
  return [
    // A limited claim counts the running instances of each key.
    `CREATE INDEX IF NOT EXISTS durex_instances_running_key_idx ON ${instances} (concurrency_key)
      WHERE status = 'STARTED' AND concurrency_key IS NOT NULL`,
    // The unlimited claim asks whether keyed work waits, so the limited claim takes it.
    `CREATE INDEX IF NOT EXISTS durex_instances_keyed_ready_idx ON ${instances} (ready_at)
      WHERE status IN ('PENDING', 'REPEATING') AND concurrency_key IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS durex_rate_starts_idx ON ${starts} (name, at)`,
  ];
}

function postgresUp(schema: string): string[] {
  const instances = `${schema}.durex_instances`;
  const starts = `${schema}.durex_rate_starts`;
  return [
    `ALTER TABLE ${instances} ADD COLUMN IF NOT EXISTS concurrency_key text`,
    // The starts of rate-limited names within their window: written by the claim, pruned by it.
    `CREATE TABLE IF NOT EXISTS ${starts} (name varchar(200) NOT NULL, at timestamptz NOT NULL)`,
    ...indexes(instances, starts),
  ];
}

/**
 * The `concurrency_key` column and the table of recent starts behind cluster-wide concurrency and
 * rate limits. Idempotent, like the others, so it is safe in `storage.migrate()` and in an
 * application's migration list.
 *
 * @publicApi
 */
export class DurexConcurrencyLimits1796000000000 implements MigrationInterface {
  readonly name = 'DurexConcurrencyLimits1796000000000';

  /** @param schema the PostgreSQL schema; defaults to the DataSource's. */
  constructor(private readonly schema?: string) {}

  async up(queryRunner: QueryRunner): Promise<void> {
    const target = migrationTarget(queryRunner, this.schema);
    if (target.kind === 'postgres') {
      for (const sql of postgresUp(quoteIdent(target.schema))) await queryRunner.query(sql);
      return;
    }
    // SQLite has no ADD COLUMN IF NOT EXISTS.
    const [column] = (await queryRunner.query(`SELECT 1 FROM pragma_table_info('durex_instances') WHERE name = 'concurrency_key'`)) as unknown[];
    if (!column) await queryRunner.query(`ALTER TABLE durex_instances ADD COLUMN concurrency_key TEXT`);
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS durex_rate_starts (name TEXT NOT NULL, at INTEGER NOT NULL) STRICT`);
    for (const sql of indexes('durex_instances', 'durex_rate_starts')) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const target = migrationTarget(queryRunner, this.schema);
    const prefix = target.kind === 'postgres' ? `${quoteIdent(target.schema)}.` : '';
    await queryRunner.query(`DROP INDEX IF EXISTS ${prefix}durex_instances_running_key_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS ${prefix}durex_instances_keyed_ready_idx`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${prefix}durex_rate_starts`);
    await queryRunner.query(`ALTER TABLE ${prefix}durex_instances DROP COLUMN concurrency_key`);
  }
}
