import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTypeOrmStorage, MemoryStorage, type DurexStorage, type PostgresStorageOptions, type SqliteStorageOptions } from 'nestjs-durex';
import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { expect, inject } from 'vitest';

/** The storages every storage-touching suite runs on. */
export const STORAGE_KINDS = ['memory', 'sqlite', 'postgres'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

/** A storage for one test, isolated from every other test, and how to dispose of it. */
export interface TestStorage {
  kind: StorageKind;
  storage: DurexStorage;
  /** Closes the storage and drops what the test created. */
  dispose(): Promise<void>;
}

/**
 * Opens a fresh, migrated storage of the given kind for the test named `testId` (use
 * `expect.getState().currentTestName`).
 *
 * - memory: a new MemoryStorage.
 * - sqlite: a database file in a temporary directory of its own, removed on dispose.
 * - postgres: a schema of its own (see {@link postgresSchemaFor}), dropped on dispose.
 */
export async function openTestStorage(kind: StorageKind, testId: string): Promise<TestStorage> {
  switch (kind) {
    case 'memory': {
      const storage = new MemoryStorage();
      await storage.migrate();
      return { kind, storage, dispose: () => storage.close() };
    }
    case 'sqlite': {
      const directory = await mkdtemp(join(tmpdir(), 'durex-sqlite-'));
      const storage = await createTypeOrmStorage({ type: 'sqlite', database: sqliteFileIn(directory) });
      const dispose = async () => {
        await storage.close();
        await rm(directory, { recursive: true, force: true });
      };
      await migrateOrDispose(storage, dispose);
      return { kind, storage, dispose };
    }
    case 'postgres': {
      const url = postgresUrl();
      const schema = postgresSchemaFor(testId);
      await dropSchema(url, schema);
      const storage = await createTypeOrmStorage({ type: 'postgres', url, schema, poolSize: 4 });
      const dispose = async () => {
        await storage.close();
        await dropSchema(url, schema);
      };
      await migrateOrDispose(storage, dispose);
      return { kind, storage, dispose };
    }
  }
}

/** An empty database of a test that connects to it itself, and how to drop it. */
export interface TestDatabase {
  /** durex's storage options for it. */
  storage: SqliteStorageOptions | PostgresStorageOptions;
  /** The options of an application's own DataSource on it (add the entities). */
  dataSource: DataSourceOptions;
  dispose(): Promise<void>;
}

/**
 * An empty database of the given kind for the test named `testId`, nothing opened on it: a file in
 * a temporary directory of its own, or a schema of its own (see {@link postgresSchemaFor}).
 */
export async function openTestDatabase(kind: Exclude<StorageKind, 'memory'>, testId: string): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const directory = await mkdtemp(join(tmpdir(), 'durex-sqlite-'));
    const database = sqliteFileIn(directory);
    return {
      storage: { type: 'sqlite', database },
      dataSource: { type: 'better-sqlite3', database },
      dispose: () => rm(directory, { recursive: true, force: true }),
    };
  }
  const url = postgresUrl();
  const schema = postgresSchemaFor(testId);
  await dropSchema(url, schema);
  return {
    storage: { type: 'postgres', url, schema },
    dataSource: { type: 'postgres', url, schema },
    dispose: () => dropSchema(url, schema),
  };
}

/** The database file of a SQLite test storage in `directory`. */
export function sqliteFileIn(directory: string): string {
  return join(directory, 'durex.db');
}

/** The PostgreSQL server of the run: DATABASE_URL, else the one the global setup started. */
export function postgresUrl(): string {
  const url = process.env.DATABASE_URL || inject('databaseUrl');
  if (!url) throw new Error('No PostgreSQL for the tests: set DATABASE_URL or add test/support/postgres.global-setup.ts to globalSetup');
  return url;
}

/**
 * The schema of a test: `durex_` and 12 hex digits of a SHA-1 over the test file, the test's name
 * and the worker process, so concurrent runs on one server (and equal names in two files) never
 * share a schema.
 */
export function postgresSchemaFor(testId: string): string {
  const seed = `${expect.getState().testPath ?? ''}\0${testId}\0${process.pid}`;
  return `durex_${createHash('sha1').update(seed).digest('hex').slice(0, 12)}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

async function migrateOrDispose(storage: DurexStorage, dispose: () => Promise<void>): Promise<void> {
  try {
    await storage.migrate();
  } catch (error) {
    await dispose();
    throw error;
  }
}
