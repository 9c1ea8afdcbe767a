import type { QueryRunner } from 'typeorm';
import { InvalidOptionsError } from '../../../core/errors/invalid-options.error.js';
import { quoteIdent } from '../postgres.sql.js';

/** The database a migration runs against: PostgreSQL in a schema, or SQLite. */
export type MigrationTarget = { kind: 'postgres'; schema: string } | { kind: 'sqlite' };

/**
 * Where a durex migration applies. `schema` is given when durex runs its own migrations; when an
 * application runs `DUREX_MIGRATIONS` with its own DataSource, the DataSource's schema is used.
 */
export function migrationTarget(queryRunner: QueryRunner, schema: string | undefined): MigrationTarget {
  const { dataSource } = queryRunner;
  switch (dataSource.options.type) {
    case 'postgres':
      return { kind: 'postgres', schema: schema ?? (dataSource.driver as { schema?: string }).schema ?? 'public' };
    case 'better-sqlite3':
      return { kind: 'sqlite' };
    default:
      throw new InvalidOptionsError(
        'storage',
        `durex runs on PostgreSQL ("postgres") and SQLite ("better-sqlite3"), not on a "${dataSource.options.type}" DataSource`,
      );
  }
}

/** A migration's statements for each database: PostgreSQL's for a quoted schema, and SQLite's. */
export interface DialectStatements {
  postgres(schema: string): readonly string[];
  sqlite: readonly string[];
}

/** Runs, one by one, the statements of the database the migration applies to. */
export async function runStatements(queryRunner: QueryRunner, schema: string | undefined, statements: DialectStatements): Promise<void> {
  const target = migrationTarget(queryRunner, schema);
  const chosen = target.kind === 'postgres' ? statements.postgres(quoteIdent(target.schema)) : statements.sqlite;
  for (const sql of chosen) await queryRunner.query(sql);
}
