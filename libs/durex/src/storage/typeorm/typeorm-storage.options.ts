import type { DataSource } from 'typeorm';
import type { DurexStorageLogger } from './postgres.notifier.js';

/**
 * PostgreSQL through a DataSource durex creates, owns and closes.
 *
 * @publicApi
 */
export interface PostgresStorageOptions {
  type: 'postgres';
  /** A connection string, `postgres://user:password@host:5432/database`. */
  url: string;
  /**
   * The schema of durex's tables; created by `migrate()`. Also names the NOTIFY channel, so
   * processes share work exactly when they share a schema.
   * @default 'public'
   */
  schema?: string;
  /** Connections in the pool, besides the one LISTEN connection. @default 10 */
  poolSize?: number;
  logger?: DurexStorageLogger;
}

/**
 * SQLite through better-sqlite3, in WAL mode with synchronous=NORMAL, on a DataSource durex owns.
 *
 * @publicApi
 */
export interface SqliteStorageOptions {
  type: 'sqlite';
  /** The database file (created if missing), or ':memory:'. */
  database: string;
  /** How long a write waits for another process's write lock, in ms. @default 5000 */
  busyTimeout?: number;
  logger?: DurexStorageLogger;
}

/**
 * An application's own, initialized DataSource (PostgreSQL or better-sqlite3) whose entities
 * include `DUREX_ENTITIES`. durex never destroys it: its owner does.
 *
 * @publicApi
 */
export interface DataSourceStorageOptions {
  type: 'typeorm';
  dataSource: DataSource;
  /** PostgreSQL only: the schema of durex's tables. @default the DataSource's schema, else 'public' */
  schema?: string;
  logger?: DurexStorageLogger;
}

/** @publicApi */
export type TypeOrmStorageOptions = PostgresStorageOptions | SqliteStorageOptions | DataSourceStorageOptions;
