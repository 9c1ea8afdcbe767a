import type { MigrationInterface, QueryRunner } from 'typeorm';
import { WAITING_READY_AT } from '../../../core/fan-in.js';
import { TERMINAL_STATUSES } from '../../../core/status.js';
import { quoteIdent } from '../postgres.sql.js';
import { migrationTarget, runStatements } from './migration-target.js';

const FINAL = TERMINAL_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * PostgreSQL: the edges table and the function every transition batch calls with the ids it made
 * final. The function is VOLATILE on purpose: each of its queries takes a fresh snapshot, so it sees
 * the edges of a `dependsOn` insert that committed while the batch waited for a row lock it held
 * (one statement's own snapshot would miss them, and the waiter would wait forever). It then locks
 * the waiters it touched, in id order, and only then counts what they still wait for: of two
 * batches ending a waiter's last two dependencies at once, the second to get the lock sees the
 * first's edge resolved, so exactly one of them makes the waiter ready.
 */
function postgresUp(schema: string): string[] {
  const instances = `${schema}.durex_instances`;
  const dependencies = `${schema}.durex_dependencies`;
  return [
    `CREATE TABLE IF NOT EXISTS ${dependencies} (
      waiter_id varchar(128) COLLATE "C" NOT NULL,
      dependency_id varchar(128) COLLATE "C" NOT NULL,
      position integer NOT NULL,
      name varchar(200),
      status varchar(16),
      data jsonb,
      error text,
      completed_at timestamptz,
      CONSTRAINT durex_dependencies_pkey PRIMARY KEY (waiter_id, dependency_id)
    )`,
    // Unresolved edges only: what a finishing batch looks up, and empty when no fan-in is waiting.
    `CREATE INDEX IF NOT EXISTS durex_dependencies_open_idx ON ${dependencies} (dependency_id) WHERE status IS NULL`,
    `CREATE OR REPLACE FUNCTION ${schema}.durex_resolve_dependencies(finished text[]) RETURNS SETOF text
    LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      waiters text[];
    BEGIN
      IF coalesce(cardinality(finished), 0) = 0
        OR NOT EXISTS (SELECT 1 FROM ${dependencies} WHERE status IS NULL) THEN
        RETURN;
      END IF;
      WITH resolved AS (
        UPDATE ${dependencies} AS d
        SET name = i.name, status = i.status, data = i.data, error = i.error, completed_at = COALESCE(i.completed_at, now())
        FROM ${instances} AS i
        WHERE d.dependency_id = ANY(finished) AND d.status IS NULL AND i.id = d.dependency_id AND i.status IN (${FINAL})
        RETURNING d.waiter_id
      )
      SELECT array_agg(DISTINCT waiter_id) INTO waiters FROM resolved;
      IF waiters IS NULL THEN
        RETURN;
      END IF;
      PERFORM 1 FROM ${instances} WHERE id = ANY(waiters) ORDER BY id FOR UPDATE;
      RETURN QUERY
      UPDATE ${instances} AS w
      SET ready_at = (SELECT max(d.completed_at) FROM ${dependencies} AS d WHERE d.waiter_id = w.id)
      WHERE w.id = ANY(waiters) AND w.status = 'PENDING' AND w.ready_at >= '${WAITING_READY_AT.toISOString()}'
        AND NOT EXISTS (SELECT 1 FROM ${dependencies} AS d WHERE d.waiter_id = w.id AND d.status IS NULL)
      RETURNING w.name::text;
    END
    $fn$`,
  ];
}

// SQLite runs one writer at a time, so the storage resolves edges with plain statements in the
// transition's transaction. Edges go with their waiter through the foreign key, as history does.
const SQLITE_UP = [
  `CREATE TABLE IF NOT EXISTS durex_dependencies (
    waiter_id TEXT NOT NULL REFERENCES durex_instances (id) ON DELETE CASCADE,
    dependency_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT,
    status TEXT,
    data TEXT,
    error TEXT,
    completed_at INTEGER,
    PRIMARY KEY (waiter_id, dependency_id)
  ) STRICT`,
  `CREATE INDEX IF NOT EXISTS durex_dependencies_open_idx ON durex_dependencies (dependency_id) WHERE status IS NULL`,
];

/**
 * Fan-in (`Result.spawnThen`, `dependsOn`): the edges from waiting instances to the instances they
 * wait for, with each one's outcome once it has ended. Idempotent, like the other migrations.
 *
 * @publicApi
 */
export class DurexFanIn1796100000000 implements MigrationInterface {
  readonly name = 'DurexFanIn1796100000000';

  /** @param schema the PostgreSQL schema; defaults to the DataSource's. */
  constructor(private readonly schema?: string) {}

  async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, this.schema, { postgres: postgresUp, sqlite: SQLITE_UP });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const target = migrationTarget(queryRunner, this.schema);
    if (target.kind === 'postgres') {
      const schema = quoteIdent(target.schema);
      await queryRunner.query(`DROP FUNCTION IF EXISTS ${schema}.durex_resolve_dependencies(text[])`);
      await queryRunner.query(`DROP TABLE IF EXISTS ${schema}.durex_dependencies`);
    } else {
      await queryRunner.query('DROP TABLE IF EXISTS durex_dependencies');
    }
  }
}
