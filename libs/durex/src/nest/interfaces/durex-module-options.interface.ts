import type { ConfigurableModuleAsyncOptions, Provider } from '@nestjs/common';
import type { ExecutorOptions } from '../../engine/executor-options.js';
import type { DurexStorage } from '../../storage/storage.interface.js';
import type { TypeOrmStorageOptions } from '../../storage/typeorm/typeorm-storage.options.js';

/** Storage in process memory: for tests and throwaway runs; nothing survives a restart. @publicApi */
export interface MemoryStorageOptions {
  type: 'memory';
}

/**
 * Where durex keeps its instances:
 * - `{ type: 'memory' }`;
 * - `{ type: 'sqlite', database }` or `{ type: 'postgres', url, schema?, poolSize? }`: a database
 *   durex connects to and disconnects from at shutdown;
 * - `{ type: 'typeorm', dataSource }`: the application's own initialised DataSource, with
 *   `DUREX_ENTITIES` among its entities; durex never destroys it, its owner does;
 * - or a storage object you created, which durex leaves to you to close.
 *
 * @publicApi
 */
export type StorageOptions = MemoryStorageOptions | TypeOrmStorageOptions | DurexStorage;

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
