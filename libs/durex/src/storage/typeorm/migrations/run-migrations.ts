import type { QueryRunner } from 'typeorm';
import { quoteIdent } from '../postgres.sql.js';
import { DUREX_MIGRATIONS } from './index.js';
import type { MigrationTarget } from './migration-target.js';

/**
 * Applies the durex migrations not yet recorded in `durex_migrations`, all in one transaction.
 * Two processes migrating at once are serialised: on PostgreSQL by a transaction-scoped advisory
 * lock per schema, on SQLite by an immediate (write-locking) transaction. The second one finds the
 * work done. Returns the names applied.
 */
export async function runDurexMigrations(queryRunner: QueryRunner, target: MigrationTarget): Promise<string[]> {
  const schema = target.kind === 'postgres' ? target.schema : undefined;
  const table = schema === undefined ? 'durex_migrations' : `${quoteIdent(schema)}.durex_migrations`;
  const applied: string[] = [];
  if (schema === undefined) {
    // TypeORM's startTransaction issues a deferred BEGIN, which fails instead of waiting when two
    // processes upgrade their read locks at once; BEGIN IMMEDIATE waits for the write lock.
    await queryRunner.query('BEGIN IMMEDIATE');
  } else {
    await queryRunner.startTransaction();
  }
  try {
    if (schema === undefined) {
      await queryRunner.query(`CREATE TABLE IF NOT EXISTS ${table} (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`);
    } else {
      await queryRunner.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`durex:migrate:${schema}`]);
      await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await queryRunner.query(
        `CREATE TABLE IF NOT EXISTS ${table} (name varchar(255) PRIMARY KEY, applied_at timestamptz NOT NULL)`,
      );
    }
    const rows: { name: string }[] = await queryRunner.query(`SELECT name FROM ${table}`);
    const done = new Set(rows.map((row) => row.name));
    for (const Migration of DUREX_MIGRATIONS) {
      const migration = new Migration(schema);
      const name = migration.name ?? Migration.name;
      if (done.has(name)) continue;
      await migration.up(queryRunner);
      await queryRunner.query(`INSERT INTO ${table} (name, applied_at) VALUES (${schema === undefined ? '?, ?' : '$1, $2'})`, [
        name,
        schema === undefined ? Date.now() : new Date(),
      ]);
      applied.push(name);
    }
    await (schema === undefined ? queryRunner.query('COMMIT') : queryRunner.commitTransaction());
    return applied;
  } catch (error) {
    await (schema === undefined ? queryRunner.query('ROLLBACK') : queryRunner.rollbackTransaction()).catch(() => undefined);
    throw error;
  }
}
