import type { ConfigurableModuleAsyncOptions, Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ExecutorOptions } from '../../engine/executor-options.js';
import type { DurexStorage } from '../../storage/storage.interface.js';

/** Storage in process memory: for tests and throwaway runs; nothing survives a restart. @publicApi */
export interface MemoryStorageConfig {
  type: 'memory';
}

/** An SQLite database file that durex opens (and closes at shutdown). @publicApi */
export interface SqliteStorageConfig {
  type: 'sqlite';
  /** Path of the database file; created when missing. */
  database: string;
}

/** A PostgreSQL database that durex connects to (and disconnects from at shutdown). @publicApi */
export interface PostgresStorageConfig {
  type: 'postgres';
  /** A connection string, `postgres://user:password@host:5432/db`. */
  url: string;
  /** The schema durex's tables live in. @default 'public' */
  schema?: string;
  /** Most connections durex opens. */
  poolSize?: number;
}

/**
 * The application's own TypeORM `DataSource` (register `DUREX_ENTITIES` in it). durex never closes
 * it: its owner does.
 *
 * @publicApi
 */
export interface TypeOrmDataSourceConfig {
  type: 'typeorm';
  dataSource: DataSource;
}

/**
 * Where durex keeps its instances: a configuration durex opens the storage from, or a storage
 * object you created (durex then leaves closing it to you).
 *
 * @publicApi
 */
export type StorageOptions = MemoryStorageConfig | SqliteStorageConfig | PostgresStorageConfig | TypeOrmDataSourceConfig | DurexStorage;

/**
 * The options of `DurexModule.forRoot()`: the executor's options plus the storage and two
 * lifecycle switches.
 *
 * @publicApi
 */
export interface DurexModuleOptions extends ExecutorOptions {
  storage: StorageOptions;
  /**
   * Start claiming and running commands when the application bootstraps. Turn it off to start
   * by hand with `executor.start()`, or in processes that only enqueue.
   * @default true
   */
  autoStart?: boolean;
  /**
   * Create or upgrade durex's tables when the module initialises. Turn it off when migrations are
   * run separately.
   * @default true
   */
  migrate?: boolean;
}

/** Options of `DurexModule.forRoot()` and `forRootAsync()` that shape the module itself. @publicApi */
export interface DurexModuleExtras {
  /**
   * Register the module globally, so `DurexClient` and `Executor` can be injected in every module
   * without importing `DurexModule` there.
   * @default true
   */
  isGlobal?: boolean;
}

/**
 * A class that builds the module options, for `forRootAsync({ useClass })` and
 * `forRootAsync({ useExisting })`.
 *
 * @publicApi
 */
export interface DurexOptionsFactory {
  createDurexOptions(): DurexModuleOptions | Promise<DurexModuleOptions>;
}

/**
 * The options of `DurexModule.forRootAsync()`.
 *
 * @publicApi
 */
export interface DurexModuleAsyncOptions extends ConfigurableModuleAsyncOptions<DurexModuleOptions, 'createDurexOptions'>, DurexModuleExtras {
  /** Providers added to the module, for instance ones the options factory injects. */
  extraProviders?: Provider[];
}
