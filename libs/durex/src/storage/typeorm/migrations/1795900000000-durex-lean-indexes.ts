import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent } from '../postgres.sql.js';
import { migrationTarget, runStatements } from './migration-target.js';

/**
 * Index changes shared by both databases. Every update of an instance that changes its status is a
 * non-HOT update (status is in the partial indexes' predicates), and such an update adds an entry to
 * every index whose predicate the new row satisfies. So the indexes every row is in are paid for on
 * each claim and each completion: these keep only what a query needs.
 */
function indexChanges(instances: string): string[] {
  return [
    // Only the admin listing sorts or filters by created_at, and it counts the same rows in the
    // same request, a scan either way: not worth an index entry on every claim and completion.
    `DROP INDEX IF EXISTS ${indexName(instances, 'durex_instances_created_idx')}`,
    // A root's correlation id is its own id: only the rows of workflows are indexed. Queries by
    // correlation id match the root through the primary key (see query-filter.ts).
    `DROP INDEX IF EXISTS ${indexName(instances, 'durex_instances_correlation_idx')}`,
    `CREATE INDEX IF NOT EXISTS durex_instances_correlated_idx ON ${instances} (correlation_id) WHERE correlation_id <> id`,
  ];
}

function postgresUp(schema: string): string[] {
  const instances = `${schema}.durex_instances`;
  const events = `${schema}.durex_events`;
  return [
    ...indexChanges(instances),
    // Tags are looked up only with at least one tag; untagged rows (most) stay out of the GIN index.
    `DROP INDEX IF EXISTS ${schema}.durex_instances_tags_idx`,
    `CREATE INDEX IF NOT EXISTS durex_instances_tagged_idx ON ${instances} USING gin (tags) WHERE tags <> '{}'::text[]`,
    // History rows are written only by the storage, with or after their instance, and deleted with
    // it by the storage's own statements: the per-row foreign key check (a row lock on the instance
    // for every event) is not needed.
    `ALTER TABLE ${events} DROP CONSTRAINT IF EXISTS durex_events_instance_fkey`,
    // One index per history row: the primary key leads with the instance, so it also serves
    // history reads (WHERE instance_id = $1 ORDER BY id) and replaces the separate index.
    `DO $$
    BEGIN
      IF (SELECT array_length(conkey, 1) FROM pg_constraint
          WHERE conrelid = '${events}'::regclass AND contype = 'p') IS DISTINCT FROM 2 THEN
        ALTER TABLE ${events} DROP CONSTRAINT IF EXISTS durex_events_pkey;
        ALTER TABLE ${events} ADD CONSTRAINT durex_events_pkey PRIMARY KEY (instance_id, id);
      END IF;
    END $$`,
    `DROP INDEX IF EXISTS ${schema}.durex_events_instance_idx`,
  ];
}

/** A schema-qualified index name on PostgreSQL (from `schema.table`), the bare name on SQLite. */
function indexName(table: string, index: string): string {
  const dot = table.lastIndexOf('.');
  return dot < 0 ? index : `${table.slice(0, dot)}.${index}`;
}

/**
 * Leaner indexes and history for the hot path (claim, completion, enqueue). Idempotent, like the
 * init migration, so it is safe in `storage.migrate()` and in an application's migration list.
 *
 * @publicApi
 */
export class DurexLeanIndexes1795900000000 implements MigrationInterface {
  readonly name = 'DurexLeanIndexes1795900000000';

  /** @param schema the PostgreSQL schema; defaults to the DataSource's. */
  constructor(private readonly schema?: string) {}

  async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, this.schema, { postgres: postgresUp, sqlite: indexChanges('durex_instances') });
  }

  /** Puts back the indexes and the foreign key of the init migration. */
  async down(queryRunner: QueryRunner): Promise<void> {
    const target = migrationTarget(queryRunner, this.schema);
    const schema = target.kind === 'postgres' ? quoteIdent(target.schema) : undefined;
    const instances = schema ? `${schema}.durex_instances` : 'durex_instances';
    const statements = [
      `DROP INDEX IF EXISTS ${indexName(instances, 'durex_instances_correlated_idx')}`,
      `CREATE INDEX IF NOT EXISTS durex_instances_correlation_idx ON ${instances} (correlation_id) WHERE correlation_id IS NOT NULL`,
      `CREATE INDEX IF NOT EXISTS durex_instances_created_idx ON ${instances} (created_at)`,
    ];
    if (schema) {
      const events = `${schema}.durex_events`;
      statements.push(
        `DROP INDEX IF EXISTS ${schema}.durex_instances_tagged_idx`,
        `CREATE INDEX IF NOT EXISTS durex_instances_tags_idx ON ${instances} USING gin (tags)`,
        `CREATE INDEX IF NOT EXISTS durex_events_instance_idx ON ${events} (instance_id, id)`,
        `ALTER TABLE ${events} DROP CONSTRAINT IF EXISTS durex_events_pkey`,
        `ALTER TABLE ${events} ADD CONSTRAINT durex_events_pkey PRIMARY KEY (id)`,
        `DELETE FROM ${events} e WHERE NOT EXISTS (SELECT 1 FROM ${instances} i WHERE i.id = e.instance_id)`,
        `ALTER TABLE ${events} ADD CONSTRAINT durex_events_instance_fkey FOREIGN KEY (instance_id) REFERENCES ${instances} (id) ON DELETE CASCADE`,
      );
    }
    for (const sql of statements) await queryRunner.query(sql);
  }
}
