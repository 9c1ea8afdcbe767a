import type BetterSqlite3 from 'better-sqlite3';
import type { Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { DuplicateCommandError } from '../../core/errors/duplicate-command.error.js';
import { DurexError } from '../../core/errors/durex.error.js';
import { InvalidOptionsError } from '../../core/errors/invalid-options.error.js';
import { StorageClosedError } from '../../core/errors/storage-closed.error.js';
import type { InstanceEvent } from '../../core/event.js';
import type { DependencyOutcome } from '../../core/fan-in.js';
import type { Instance } from '../../core/instance.js';
import { ACTIVE_STATUSES } from '../../core/status.js';
import type {
  ClaimedInstances,
  ClaimRequest,
  DurexStorage,
  InsertOptions,
  InstanceQuery,
  NotifyingStorage,
  StorageNotification,
  TransactionalStorage,
  Transition,
  TransitionOutcome,
  WakeTimes,
} from '../storage.interface.js';
import type { DurexDialect } from './dialect.interface.js';
import { DUREX_ENTITIES } from './durex-entities.js';
import { runnableNames } from './instance-row.js';
import { PostgresDialect } from './postgres.dialect.js';
import { PostgresNotifier, type DurexStorageLogger } from './postgres.notifier.js';
import { channelFor, PostgresStatements } from './postgres.sql.js';
import { SqliteConnection, SqliteDialect } from './sqlite.dialect.js';
import type { TypeOrmStorageOptions } from './typeorm-storage.options.js';

/** Unquoted PostgreSQL identifiers: what a schema name may be, so it is never truncated or mis-cased. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** What a storage and the storages bound to its transactions share. */
interface SharedState {
  dataSource: DataSource;
  /** durex created the DataSource, so durex destroys it. */
  ownsDataSource: boolean;
  listeners: Set<(notification: StorageNotification) => void>;
  notifier: PostgresNotifier | null;
  logger: DurexStorageLogger | undefined;
  closed: boolean;
}

/**
 * Durable storage on TypeORM: PostgreSQL for production (SKIP LOCKED claims, LISTEN/NOTIFY
 * wake-ups across processes) and SQLite through better-sqlite3 (immediate transactions; wake-ups
 * within the process). Safe for many executors in many processes on one database.
 *
 * Open one with {@link createTypeOrmStorage}; call `migrate()` before first use.
 *
 * @publicApi
 */
export class TypeOrmStorage implements DurexStorage, TransactionalStorage, NotifyingStorage {
  private constructor(
    private readonly shared: SharedState,
    private readonly dialect: DurexDialect,
    /** Notifications held back until the transaction this storage is bound to commits; null when not bound. */
    private readonly held: StorageNotification[] | null,
  ) {}

  /** Opens a storage; see {@link TypeOrmStorageOptions}. */
  static async open(options: TypeOrmStorageOptions): Promise<TypeOrmStorage> {
    switch (options?.type) {
      case 'postgres': {
        if (typeof options.url !== 'string' || !options.url) throw new InvalidOptionsError('storage.url', 'must be a PostgreSQL connection string');
        const schema = checkSchema(options.schema ?? 'public');
        const dataSource = new DataSource({
          type: 'postgres',
          url: options.url,
          schema,
          poolSize: options.poolSize,
          applicationName: 'durex',
          entities: [...DUREX_ENTITIES],
          // durex's statements are prepared once per connection and look rows up through indexes
          // whatever the parameters; with the default plan cache mode PostgreSQL kept re-planning
          // the claim on every execution (its estimate for `LIMIT $2` makes the generic plan look
          // dearer than the custom ones), 1-9 ms of the database's CPU per claim. Only durex's own
          // connections: a DataSource passed in with { type: 'typeorm' } is left as it is.
          extra: { options: '-c plan_cache_mode=force_generic_plan' },
        });
        await dataSource.initialize();
        return TypeOrmStorage.fromDataSource(dataSource, true, schema, options.logger);
      }
      case 'sqlite': {
        if (typeof options.database !== 'string' || !options.database) throw new InvalidOptionsError('storage.database', 'must be a file name');
        const dataSource = new DataSource({
          type: 'better-sqlite3',
          database: options.database,
          entities: [...DUREX_ENTITIES],
          enableWAL: true,
          timeout: options.busyTimeout ?? 5000,
          // WAL with synchronous=NORMAL is durable against process crashes and fast; only a power
          // loss can take the last commits.
          prepareDatabase: (db: BetterSqlite3.Database) => void db.pragma('synchronous = NORMAL'),
        });
        await dataSource.initialize();
        return TypeOrmStorage.fromDataSource(dataSource, true, undefined, options.logger);
      }
      case 'typeorm': {
        const { dataSource } = options;
        if (!(dataSource instanceof DataSource)) throw new InvalidOptionsError('storage.dataSource', 'must be a TypeORM DataSource');
        if (!dataSource.isInitialized) {
          throw new InvalidOptionsError('storage.dataSource', 'is not initialized: call dataSource.initialize() before handing it to durex');
        }
        if (!DUREX_ENTITIES.every((entity) => dataSource.hasMetadata(entity))) {
          throw new InvalidOptionsError('storage.dataSource', 'lacks durex entities: add ...DUREX_ENTITIES to its entities');
        }
        const driverSchema = (dataSource.driver as { schema?: string }).schema;
        const schema = dataSource.options.type === 'postgres' ? checkSchema(options.schema ?? driverSchema ?? 'public') : undefined;
        return TypeOrmStorage.fromDataSource(dataSource, false, schema, options.logger);
      }
      default:
        throw new InvalidOptionsError('storage.type', `must be 'postgres', 'sqlite' or 'typeorm'`);
    }
  }

  private static async fromDataSource(
    dataSource: DataSource,
    ownsDataSource: boolean,
    schema: string | undefined,
    logger: DurexStorageLogger | undefined,
  ): Promise<TypeOrmStorage> {
    const shared: SharedState = { dataSource, ownsDataSource, listeners: new Set(), notifier: null, logger, closed: false };
    try {
      switch (dataSource.options.type) {
        case 'postgres': {
          const pool = (dataSource.driver as unknown as { master: Pool }).master;
          const channel = channelFor(schema!);
          const notifier = new PostgresNotifier(
            { ...pool.options, application_name: 'durex-listener' },
            channel,
            (notification) => TypeOrmStorage.deliver(shared, notification),
            logger,
          );
          await notifier.start();
          shared.notifier = notifier;
          const context = { dataSource, pool, statements: new PostgresStatements(schema!), channel };
          return new TypeOrmStorage(shared, new PostgresDialect(context, pool, false), null);
        }
        case 'better-sqlite3': {
          const db = (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
          return new TypeOrmStorage(shared, new SqliteDialect(new SqliteConnection(db, dataSource), false), null);
        }
        default:
          throw new InvalidOptionsError(
            'storage.dataSource',
            `is a "${dataSource.options.type}" DataSource; durex runs on "postgres" and "better-sqlite3"`,
          );
      }
    } catch (error) {
      if (ownsDataSource) await dataSource.destroy().catch(() => undefined);
      throw error;
    }
  }

  /** The TypeORM DataSource the storage runs on, for transactions that enqueue with your own writes. */
  get dataSource(): DataSource {
    return this.shared.dataSource;
  }

  async migrate(): Promise<void> {
    this.assertOpen();
    if (this.held) throw new DurexError('durex: migrate() cannot run inside storage.transaction()', 'MIGRATE_IN_TRANSACTION');
    await this.dialect.migrate();
  }

  /**
   * Inserts instances, all or none. With `{ transaction: entityManager }` (a TypeORM transaction of
   * the same database) the rows are written in that transaction: they exist iff it commits. A
   * duplicate key there does not abort the caller's transaction (it runs under a savepoint).
   */
  async insert(instances: readonly Instance[], options?: InsertOptions): Promise<void> {
    this.assertOpen();
    assertKeysDistinct(instances);
    const dependencies = options?.dependencies ?? [];
    if (options?.transaction !== undefined) await this.dialect.insertWithin(asEntityManager(options.transaction), instances, dependencies);
    else await this.dialect.insert(instances, dependencies);
    const names = runnableNames(instances);
    if (names.length && !this.dialect.notifiesInSql) this.signal({ type: 'ready', names });
  }

  async get(id: string): Promise<Instance | null> {
    this.assertOpen();
    return this.dialect.get(id);
  }

  async history(id: string): Promise<InstanceEvent[]> {
    this.assertOpen();
    return this.dialect.history(id);
  }

  async transition(transitions: readonly Transition[]): Promise<TransitionOutcome[]> {
    this.assertOpen();
    const result = await this.dialect.transition(transitions);
    if (result.readyNames.length && !this.dialect.notifiesInSql) this.signal({ type: 'ready', names: result.readyNames });
    if (result.error !== undefined) throw result.error;
    return result.outcomes;
  }

  async dependencyOutcomes(waiterId: string): Promise<DependencyOutcome[]> {
    this.assertOpen();
    return this.dialect.dependencyOutcomes(waiterId);
  }

  async delete(ids: readonly string[]): Promise<number> {
    this.assertOpen();
    return this.dialect.delete(ids);
  }

  async cleanup(before: Date, limit: number): Promise<number> {
    this.assertOpen();
    return this.dialect.cleanup(before, limit);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.dialect.ping();
  }

  /**
   * Stops the LISTEN connection and, when durex created the DataSource, destroys it. A DataSource
   * passed in with `{ type: 'typeorm' }` is left open for its owner. On a storage bound to a
   * transaction this does nothing: the storage it came from owns the resources.
   */
  async close(): Promise<void> {
    if (this.held || this.shared.closed) return;
    this.shared.closed = true;
    this.shared.listeners.clear();
    await this.shared.notifier?.close();
    if (this.shared.ownsDataSource && this.shared.dataSource.isInitialized) await this.shared.dataSource.destroy();
  }

  async find(query: InstanceQuery): Promise<Instance[]> {
    this.assertOpen();
    return this.dialect.find(query);
  }

  async count(query: InstanceQuery = {}): Promise<number> {
    this.assertOpen();
    return this.dialect.count(query);
  }

  async countBy(field: 'status' | 'name', query: InstanceQuery = {}): Promise<Record<string, number>> {
    this.assertOpen();
    return this.dialect.countBy(field, query);
  }

  async claim(request: ClaimRequest): Promise<ClaimedInstances> {
    this.assertOpen();
    return this.dialect.claim(request);
  }

  async renewLeases(owner: string, ids: readonly string[], until: Date): Promise<string[]> {
    this.assertOpen();
    return this.dialect.renewLeases(owner, ids, until);
  }

  async findExpiredLeases(now: Date, limit: number): Promise<Instance[]> {
    this.assertOpen();
    return this.dialect.findExpiredLeases(now, limit);
  }

  async nextWakeAt(names: readonly string[]): Promise<WakeTimes> {
    this.assertOpen();
    return this.dialect.nextWakeAt(names);
  }

  /**
   * Runs `fn` in one database transaction with a storage bound to it; nested calls use savepoints.
   * On SQLite the connection is the transaction's until it ends, so calls on the outer storage
   * made from inside `fn` wait for it: use the storage `fn` receives.
   */
  async transaction<R>(fn: (storage: DurexStorage) => Promise<R>): Promise<R> {
    this.assertOpen();
    const held: StorageNotification[] = this.held ?? [];
    const result = await this.dialect.transaction((dialect) => fn(new TypeOrmStorage(this.shared, dialect, held)));
    if (!this.held) for (const notification of held) TypeOrmStorage.deliver(this.shared, notification);
    return result;
  }

  subscribe(listener: (notification: StorageNotification) => void): () => void {
    this.shared.listeners.add(listener);
    return () => this.shared.listeners.delete(listener);
  }

  /** On PostgreSQL every process's subscribers hear it (after commit, inside a transaction); on SQLite this process's. */
  async notify(notification: StorageNotification): Promise<void> {
    this.assertOpen();
    if (!(await this.dialect.publish(notification))) this.signal(notification);
  }

  /** An in-process notification, held back while a transaction is open. */
  private signal(notification: StorageNotification): void {
    if (this.held) this.held.push(notification);
    else TypeOrmStorage.deliver(this.shared, notification);
  }

  private static deliver(shared: SharedState, notification: StorageNotification): void {
    for (const listener of shared.listeners) {
      try {
        listener(notification);
      } catch (error) {
        // One subscriber's bug must not stop the others hearing about work, nor fail the write.
        shared.logger?.warn(`durex: a storage subscriber threw: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private assertOpen(): void {
    if (this.shared.closed) throw new StorageClosedError();
  }
}

/**
 * Opens a TypeORM storage: `{ type: 'postgres', url, schema? }`, `{ type: 'sqlite', database }` or
 * `{ type: 'typeorm', dataSource }`. Call `migrate()` on it before first use.
 *
 * @publicApi
 */
export function createTypeOrmStorage(options: TypeOrmStorageOptions): Promise<TypeOrmStorage> {
  return TypeOrmStorage.open(options);
}

function checkSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new InvalidOptionsError('storage.schema', `"${schema}" is not a plain identifier (letters, digits and _, at most 63)`);
  }
  return schema;
}

/** Two active instances of one batch with one unique key: the database would refuse the second. */
function assertKeysDistinct(instances: readonly Instance[]): void {
  const keys = new Set<string>();
  for (const { uniqueKey, status } of instances) {
    if (uniqueKey === null || !ACTIVE_STATUSES.includes(status)) continue;
    if (keys.has(uniqueKey)) throw new DuplicateCommandError(uniqueKey);
    keys.add(uniqueKey);
  }
}

function asEntityManager(transaction: unknown): EntityManager {
  const manager = transaction as Partial<EntityManager> | null;
  if (typeof manager !== 'object' || manager === null || !(manager.dataSource instanceof DataSource)) {
    throw new InvalidOptionsError('transaction', 'must be a TypeORM EntityManager, such as the one dataSource.transaction() passes');
  }
  return manager as EntityManager;
}
