import { type FactoryProvider, Logger, type Provider } from '@nestjs/common';
import { InvalidOptionsError } from '../core/errors/invalid-options.error.js';
import { Executor } from '../engine/executor.js';
import type { ExecutorOptions } from '../engine/executor-options.js';
import type { DurexLogger } from '../engine/logger.js';
import { MemoryStorage } from '../storage/memory.storage.js';
import type { DurexStorage } from '../storage/storage.interface.js';
import { DUREX_LOGGER_CONTEXT, DUREX_MODULE_OPTIONS, DUREX_STORAGE, DUREX_STORAGE_REF } from './durex.constants.js';
import { invalidStorageMessage, missingOptionsMessage, notBooleanMessage } from './durex.messages.js';
import type { DurexModuleOptions, StorageOptions } from './interfaces/durex-module-options.interface.js';

/** The storage the module runs on, and whether durex opened it (and so closes it at shutdown). */
export interface StorageRef {
  storage: DurexStorage;
  owned: boolean;
}

/**
 * Providers of the storage: {@link DUREX_STORAGE_REF} opens (and migrates) it from the module
 * options, {@link DUREX_STORAGE} hands out the storage itself.
 */
export function createStorageProviders(): Provider[] {
  return [
    {
      provide: DUREX_STORAGE_REF,
      inject: [DUREX_MODULE_OPTIONS],
      useFactory: async (options: DurexModuleOptions | undefined): Promise<StorageRef> => {
        assertModuleOptions(options);
        const ref = await openStorage(options.storage, durexLogger(options));
        if (options.migrate ?? true) {
          try {
            await ref.storage.migrate();
          } catch (error) {
            if (ref.owned) await ref.storage.close().catch(() => undefined);
            throw error;
          }
        }
        return ref;
      },
    },
    { provide: DUREX_STORAGE, inject: [DUREX_STORAGE_REF], useFactory: (ref: StorageRef) => ref.storage },
  ];
}

/**
 * The executor, with the engine class itself as token (engine classes are not `@Injectable`; they
 * must not depend on Nest). Its logger is a Nest `Logger('Durex')` unless `logger` is given.
 */
export function createExecutorProvider(): FactoryProvider<Executor> {
  return {
    provide: Executor,
    inject: [DUREX_STORAGE_REF, DUREX_MODULE_OPTIONS],
    useFactory: async (ref: StorageRef, options: DurexModuleOptions): Promise<Executor> => {
      try {
        return new Executor(ref.storage, toExecutorOptions(options));
      } catch (error) {
        // A bad executor option fails bootstrap; do not leave the storage durex opened behind it.
        if (ref.owned) await ref.storage.close().catch(() => undefined);
        throw error;
      }
    },
  };
}

/**
 * Opens the configured storage. durex owns (and closes at shutdown) every storage it opened from a
 * configuration, `typeorm` included: closing that one releases only what durex added to the
 * application's DataSource (its PostgreSQL LISTEN connection) and never destroys the DataSource,
 * whose owner closes it. A storage object you pass stays yours.
 *
 * @param config the `storage` option
 * @param logger where a database storage reports connection trouble, unless it has its own logger
 */
export async function openStorage(config: StorageOptions | undefined, logger: DurexLogger): Promise<StorageRef> {
  if (isStorageObject(config)) return { storage: config, owned: false };
  switch (config?.type) {
    case 'memory':
      return { storage: new MemoryStorage(), owned: true };
    case 'sqlite':
    case 'postgres':
    case 'typeorm': {
      // Loaded on demand so that memory and custom storages never load TypeORM or a database driver.
      const { createTypeOrmStorage } = await import('../storage/typeorm/index.js');
      return { storage: await createTypeOrmStorage({ ...config, logger: config.logger ?? logger }), owned: true };
    }
    default:
      throw new InvalidOptionsError('storage', invalidStorageMessage(config));
  }
}

function isStorageObject(value: StorageOptions | undefined): value is DurexStorage {
  const candidate = value as Partial<DurexStorage> | undefined;
  return typeof candidate?.claim === 'function' && typeof candidate.insert === 'function' && typeof candidate.migrate === 'function';
}

function assertModuleOptions(options: DurexModuleOptions | undefined): asserts options is DurexModuleOptions {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionsError('DurexModule options', missingOptionsMessage(options));
  for (const option of ['autoStart', 'migrate'] as const) {
    const value = options[option];
    if (value !== undefined && typeof value !== 'boolean') throw new InvalidOptionsError(option, notBooleanMessage(value));
  }
}

function toExecutorOptions(options: DurexModuleOptions): ExecutorOptions {
  const { storage: _storage, autoStart: _autoStart, migrate: _migrate, ...executorOptions } = options;
  return { ...executorOptions, logger: durexLogger(options) };
}

/** The `logger` option, else a Nest `Logger('Durex')`, so durex logs like the rest of the application. */
function durexLogger(options: DurexModuleOptions): DurexLogger {
  return options.logger ?? new Logger(DUREX_LOGGER_CONTEXT);
}
