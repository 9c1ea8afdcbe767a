import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource, EntityManager } from 'typeorm';
import { CommandNotFoundError } from '../../core/errors/command-not-found.error.js';
import { DuplicateCommandError } from '../../core/errors/duplicate-command.error.js';
import { InvalidOptionsError } from '../../core/errors/invalid-options.error.js';
import type { InstanceEvent } from '../../core/event.js';
import type { Dependency, DependencyOutcome } from '../../core/fan-in.js';
import type { Instance } from '../../core/instance.js';
import { RUNNABLE_STATUSES, type Status, TERMINAL_STATUSES } from '../../core/status.js';
import { hasNameLimits, LimitedPick } from '../claim-limits.js';
import { dependencyIds, settleWaiters } from '../fan-in-insert.js';
import { compareForClaim } from '../instance-query.js';
import type { ClaimedInstances, ClaimRequest, InstanceQuery, StorageNotification, Transition, TransitionOutcome, WakeTimes } from '../storage.interface.js';
import type { DurexDialect, TransitionResult } from './dialect.interface.js';
import {
  decodeEvent,
  decodeInstance,
  encodeEvent,
  encodeInstance,
  encodePatch,
  instanceColumnList,
  type Row,
  type RowCodec,
} from './instance-row.js';
import { runDurexMigrations } from './migrations/run-migrations.js';
import { escapeGlob, groupColumn, orderClause, whereClause, type FilterSyntax } from './query-filter.js';
import { SQLITE_SQL, sqliteClaimSql, sqliteTransitionSql } from './sqlite.sql.js';

/** Prepared statements kept per connection; the fixed ones are few, the rest are find() variants. */
const STATEMENT_CACHE_SIZE = 200;

/** Times are epoch milliseconds, JSON is text. */
const SQLITE_CODEC: RowCodec = {
  encodeTime: (value) => value.getTime(),
  decodeTime: (value) => new Date(Number(value)),
  encodeJson: (value) => JSON.stringify(value),
  decodeJson: (value) => (value === null || value === undefined ? null : JSON.parse(String(value))),
  encodeList: (value) => JSON.stringify(value),
  decodeList: (value) => JSON.parse(String(value)) as string[],
};

interface SqliteError {
  code?: string;
  message?: string;
}

/**
 * The one better-sqlite3 connection of a storage and who may use it. SQLite has one connection per
 * DataSource, so a transaction left open across `await`s (durex's own `transaction()`, or the
 * application's TypeORM transaction) would swallow any statement issued meanwhile; storage calls
 * outside that transaction wait until it ends.
 */
export class SqliteConnection {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /** Settles when durex's open transaction (or migration) ends. */
  private busy: Promise<void> | null = null;

  constructor(
    readonly db: BetterSqlite3.Database,
    readonly dataSource: DataSource,
  ) {}

  /** A prepared statement, prepared once per connection. */
  prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (statement) return statement;
    statement = this.db.prepare(sql);
    this.statements.set(sql, statement);
    if (this.statements.size > STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    return statement;
  }

  /** Resolves when no transaction is open on the connection. Synchronous code may use it until the next await. */
  async idle(): Promise<void> {
    while (this.busy || this.db.inTransaction) await (this.busy ?? new Promise((resolve) => setTimeout(resolve, 2)));
  }

  /** Runs `fn` with the connection to itself, once it is idle. */
  async exclusive<R>(fn: () => Promise<R>): Promise<R> {
    await this.idle();
    let release!: () => void;
    this.busy = new Promise((resolve) => (release = resolve));
    try {
      return await fn();
    } finally {
      this.busy = null;
      release();
    }
  }
}

/**
 * The SQLite dialect over better-sqlite3. Each method runs synchronously once the connection is
 * free: writes in an immediate transaction, which takes the file's write lock at BEGIN (waiting up
 * to busy_timeout for other processes), so claims and transitions from two processes never
 * interleave. No round trips, so batches are loops over prepared statements.
 */
export class SqliteDialect implements DurexDialect {
  readonly notifiesInSql = false;
  private savepoints = 0;

  constructor(
    private readonly connection: SqliteConnection,
    readonly inTransaction: boolean,
  ) {}

  async migrate(): Promise<void> {
    await this.connection.exclusive(async () => {
      const queryRunner = this.connection.dataSource.createQueryRunner();
      try {
        await runDurexMigrations(queryRunner, { kind: 'sqlite' });
      } finally {
        await queryRunner.release();
      }
    });
  }

  async insert(input: readonly Instance[], dependencies: readonly Dependency[] = []): Promise<void> {
    if (!input.length) return;
    let current: Instance | undefined;
    try {
      await this.write(() => {
        const instances = dependencies.length ? settleWaiters(input, dependencies, this.endedDependencies(dependencies)) : input;
        for (const instance of instances) {
          current = instance;
          this.statement(SQLITE_SQL.insert).run(encodeInstance(instance, SQLITE_CODEC));
          this.appendEvents(instance.id, instance.history);
        }
        current = undefined;
        this.addEdges(dependencies, Date.now(), new Set());
      });
    } catch (error) {
      throw this.translateError(error, current?.uniqueKey ?? null, current?.id);
    }
  }

  async insertWithin(manager: EntityManager, instances: readonly Instance[], dependencies: readonly Dependency[] = []): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) return this.insert(instances, dependencies);
    const driver = manager.dataSource.driver as { databaseConnection?: unknown };
    if (driver.databaseConnection !== this.connection.db) {
      throw new InvalidOptionsError(
        'transaction',
        "an SQLite EntityManager must belong to the storage's own DataSource (storage.dataSource): a transaction cannot span two connections",
      );
    }
    return new SqliteDialect(this.connection, true).insert(instances, dependencies);
  }

  async dependencyOutcomes(waiterId: string): Promise<DependencyOutcome[]> {
    const rows = await this.read(() => this.statement(SQLITE_SQL.dependencyOutcomes).all(waiterId) as Row[]);
    return rows.map((row) => ({
      id: String(row.dependency_id),
      name: String(row.name),
      status: row.status as DependencyOutcome['status'],
      data: (SQLITE_CODEC.decodeJson(row.data) ?? {}) as DependencyOutcome['data'],
      error: row.error == null ? null : String(row.error),
      completedAt: SQLITE_CODEC.decodeTime(row.completed_at),
    }));
  }

  async get(id: string): Promise<Instance | null> {
    const row = await this.read(() => this.statement(SQLITE_SQL.get).get(id) as Row | undefined);
    return row ? decodeInstance(row, SQLITE_CODEC) : null;
  }

  async history(id: string): Promise<InstanceEvent[]> {
    const rows = await this.read(() => this.statement(SQLITE_SQL.history).all(id) as Row[]);
    return rows.map((row) => decodeEvent(row, SQLITE_CODEC));
  }

  async transition(transitions: readonly Transition[]): Promise<TransitionResult> {
    const result: TransitionResult = { outcomes: [], readyNames: [] };
    if (!transitions.length) return result;
    const ready = new Set<string>();
    // One write transaction for the batch, a savepoint per transition: a transition that raises
    // is undone alone, those before it stay applied, and the rest are not attempted (as in memory).
    await this.write(() => {
      for (const transition of transitions) {
        try {
          result.outcomes.push(this.connection.db.transaction(() => this.applyTransition(transition, ready))());
        } catch (error) {
          result.error = error;
          return;
        }
      }
    });
    if (result.error !== undefined) {
      const failed = transitions[result.outcomes.length]!;
      const row = await this.read(() => this.statement(SQLITE_SQL.uniqueKeyOf).get(failed.id) as Row | undefined);
      result.error = this.translateError(result.error, (row?.unique_key as string | null) ?? null, failed.id);
    }
    result.readyNames = [...ready];
    return result;
  }

  async delete(ids: readonly string[]): Promise<number> {
    if (!ids.length) return 0;
    return this.write(() => this.statement(SQLITE_SQL.delete).run(JSON.stringify(ids)).changes);
  }

  async cleanup(before: Date, limit: number): Promise<number> {
    if (limit <= 0) return 0;
    return this.write(() => this.statement(SQLITE_SQL.cleanup).run(before.getTime(), Math.floor(limit)).changes);
  }

  async find(query: InstanceQuery): Promise<Instance[]> {
    const filter = new SqliteFilter();
    const where = whereClause(query, filter);
    const sql = `SELECT ${instanceColumnList()} FROM durex_instances ${where} ${orderClause(query)} ${filter.page(query.limit, query.offset)}`;
    const rows = await this.read(() => this.statement(sql).all(...filter.values) as Row[]);
    return rows.map((row) => decodeInstance(row, SQLITE_CODEC));
  }

  async count(query: InstanceQuery): Promise<number> {
    const filter = new SqliteFilter();
    const sql = `SELECT count(*) AS n FROM durex_instances ${whereClause(query, filter)}`;
    const row = await this.read(() => this.statement(sql).get(...filter.values) as Row | undefined);
    return Number(row?.n ?? 0);
  }

  async countBy(field: 'status' | 'name', query: InstanceQuery): Promise<Record<string, number>> {
    const filter = new SqliteFilter();
    const column = groupColumn(field);
    const sql = `SELECT ${column} AS key, count(*) AS n FROM durex_instances ${whereClause(query, filter)} GROUP BY ${column}`;
    const rows = await this.read(() => this.statement(sql).all(...filter.values) as Row[]);
    const counts: Record<string, number> = {};
    for (const row of rows) counts[String(row.key)] = Number(row.n);
    return counts;
  }

  async claim(request: ClaimRequest): Promise<ClaimedInstances> {
    if (!request.names.length || request.limit <= 0) return [];
    const now = request.now.getTime();
    const names = JSON.stringify(request.names);
    // Claims hold the file's write lock, so every claim is serialised: the limited one counts and
    // claims without any further lock. Without name limits it runs only when keyed work is ready.
    const limited = (): boolean =>
      request.limits !== undefined &&
      !request.overdueOnly &&
      (hasNameLimits(request) || this.statement(SQLITE_SQL.keyedReady).get({ now, names }) !== undefined);
    return this.write(() => (limited() ? this.claimLimited(request) : this.claimUnlimited(request)));
  }

  private claimUnlimited(request: ClaimRequest): Instance[] {
    const limits = Object.entries(request.perNameLimits ?? {}).filter(([name]) => request.names.includes(name));
    const now = request.now.getTime();
    const sql = sqliteClaimSql(request.overdueOnly ? 'overdue' : 'ready', limits.length > 0);
    const params = {
      names: JSON.stringify(request.names),
      limits: JSON.stringify(Object.fromEntries(limits.map(([name, cap]) => [name, Math.max(0, Math.floor(cap))]))),
      limit: Math.floor(request.limit),
      now,
      owner: request.owner,
      until: now + request.leaseMs,
    };
    return this.started((this.statement(sql).all(params) as Row[]).map((row) => decodeInstance(row, SQLITE_CODEC)), now);
  }

  /** A claim within cluster-wide limits, decided by {@link LimitedPick} from counts read in the same write transaction. */
  private claimLimited(request: ClaimRequest): ClaimedInstances {
    const now = request.now.getTime();
    const rate = Object.entries(request.limits?.rate ?? {}).filter(([name]) => request.names.includes(name));
    for (const [name, window] of rate) this.statement(SQLITE_SQL.pruneStarts).run(name, now - window.per);
    const counted = (sql: string, ...params: unknown[]) =>
      new Map((this.statement(sql).all(...params) as Row[]).map((row) => [String(row.key), Number(row.n)]));
    const startsByName = new Map<string, number[]>();
    for (const row of this.statement(SQLITE_SQL.recentStarts).all(JSON.stringify(rate.map(([name]) => name))) as Row[]) {
      const list = startsByName.get(String(row.name)) ?? [];
      list.push(Number(row.at));
      startsByName.set(String(row.name), list);
    }
    const pick = new LimitedPick(request, {
      runningByName: counted(SQLITE_SQL.runningByName, JSON.stringify(request.names)),
      runningByKey: counted(SQLITE_SQL.runningByKey),
      startsByName,
    });
    const closed = new Set(pick.closedNames());
    const open = request.names.filter((name) => !closed.has(name));
    const ids: string[] = [];
    for (const row of this.statement(SQLITE_SQL.limitedCandidates).iterate(now, JSON.stringify(open)) as IterableIterator<Row>) {
      if (pick.full) break;
      if (pick.take({ name: String(row.name), concurrencyKey: row.concurrency_key == null ? null : String(row.concurrency_key) })) ids.push(String(row.id));
    }
    const rows = ids.length
      ? (this.statement(SQLITE_SQL.claimIds).all({ ids: JSON.stringify(ids), now, owner: request.owner, until: now + request.leaseMs }) as Row[])
      : [];
    const claimed: ClaimedInstances = this.started(rows.map((row) => decodeInstance(row, SQLITE_CODEC)), now);
    const rateNames = new Set(pick.rateNames());
    for (const instance of claimed) if (rateNames.has(instance.name)) this.statement(SQLITE_SQL.recordStart).run(instance.name, now);
    for (const hold of pick.holds()) this.statement(SQLITE_SQL.holdRate).run({ name: hold.name, until: hold.until });
    claimed.heldBack = pick.heldBack;
    return claimed;
  }

  /** Sorts freshly claimed instances into claim order (RETURNING has none) and appends their `started` events. */
  private started(claimed: Instance[], now: number): Instance[] {
    claimed.sort(compareForClaim);
    for (const instance of claimed) this.statement(SQLITE_SQL.startedEvent).run(instance.id, now, instance.attempt);
    return claimed;
  }

  async renewLeases(owner: string, ids: readonly string[], until: Date): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await this.write(
      () => this.statement(SQLITE_SQL.renewLeases).all({ ids: JSON.stringify(ids), owner, until: until.getTime() }) as Row[],
    );
    const held = new Set(rows.map((row) => String(row.id)));
    return ids.filter((id) => held.has(id));
  }

  async findExpiredLeases(now: Date, limit: number): Promise<Instance[]> {
    if (limit <= 0) return [];
    const rows = await this.read(() => this.statement(SQLITE_SQL.findExpiredLeases).all(now.getTime(), Math.floor(limit)) as Row[]);
    return rows.map((row) => decodeInstance(row, SQLITE_CODEC));
  }

  async nextWakeAt(names: readonly string[]): Promise<WakeTimes> {
    if (!names.length) return { readyAt: null, deadlineAt: null };
    const row = await this.read(() => this.statement(SQLITE_SQL.nextWakeAt).get({ names: JSON.stringify(names) }) as Row | undefined);
    const time = (value: unknown) => (value === null || value === undefined ? null : SQLITE_CODEC.decodeTime(value));
    return { readyAt: time(row?.ready_at), deadlineAt: time(row?.deadline_at) };
  }

  async ping(): Promise<void> {
    await this.read(() => this.statement('SELECT 1').get());
  }

  async publish(_notification: StorageNotification): Promise<boolean> {
    return false;
  }

  async transaction<R>(fn: (dialect: DurexDialect) => Promise<R>): Promise<R> {
    const { db } = this.connection;
    if (this.inTransaction) {
      const savepoint = `durex_${++this.savepoints}`;
      db.exec(`SAVEPOINT ${savepoint}`);
      try {
        const result = await fn(this);
        db.exec(`RELEASE ${savepoint}`);
        return result;
      } catch (error) {
        db.exec(`ROLLBACK TO ${savepoint}`);
        db.exec(`RELEASE ${savepoint}`);
        throw error;
      }
    }
    return this.connection.exclusive(async () => {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(new SqliteDialect(this.connection, true));
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** Applies one transition inside the batch's transaction; returns its outcome. */
  private applyTransition(transition: Transition, ready: Set<string>): TransitionOutcome {
    const patch = encodePatch(transition.patch, SQLITE_CODEC);
    const { guard } = transition;
    const row = this.statement(sqliteTransitionSql(Object.keys(patch))).get({
      ...patch,
      guard_id: transition.id,
      guard_statuses: JSON.stringify(guard.statuses),
      guard_owner: guard.leaseOwner ?? null,
      guard_expired_before: guard.leaseExpiredBefore?.getTime() ?? null,
    }) as { name: string; status: Status } | undefined;
    if (!row) return { applied: false, skippedChildren: [] };
    if (RUNNABLE_STATUSES.includes(row.status)) ready.add(row.name);
    this.appendEvents(transition.id, transition.events);
    if (TERMINAL_STATUSES.includes(row.status)) this.resolveDependents(transition.id, Date.now(), ready);
    const skippedChildren: string[] = [];
    for (const child of transition.children ?? []) {
      if (this.statement(SQLITE_SQL.insertChild).run(encodeInstance(child, SQLITE_CODEC)).changes === 0) {
        skippedChildren.push(child.id);
        continue;
      }
      this.appendEvents(child.id, child.history);
      if (RUNNABLE_STATUSES.includes(child.status)) ready.add(child.name);
    }
    const created = (d: Dependency) => !skippedChildren.includes(d.waiterId) && !skippedChildren.includes(d.dependencyId);
    if (transition.dependencies?.length) this.addEdges(transition.dependencies.filter(created), Date.now(), ready);
    return { applied: true, skippedChildren };
  }

  /** The dependencies that have ended; throws `CommandNotFoundError` for one that does not exist. */
  private endedDependencies(dependencies: readonly Dependency[]): Set<string> {
    const wanted = dependencyIds(dependencies);
    const rows = this.statement(SQLITE_SQL.statusesOf).all(JSON.stringify(wanted)) as { id: string; status: Status }[];
    const found = new Set(rows.map((row) => row.id));
    const missing = wanted.find((id) => !found.has(id));
    if (missing !== undefined) throw new CommandNotFoundError(missing);
    return new Set(rows.filter((row) => TERMINAL_STATUSES.includes(row.status)).map((row) => row.id));
  }

  /** Writes fan-in edges; those to a dependency that has already ended are resolved at once. */
  private addEdges(dependencies: readonly Dependency[], now: number, ready: Set<string>): void {
    dependencies.forEach(({ waiterId, dependencyId }, position) => this.statement(SQLITE_SQL.insertDependency).run(waiterId, dependencyId, position));
    for (const id of dependencyIds(dependencies)) this.resolveDependents(id, now, ready);
  }

  /**
   * Records the outcome of an instance that has ended on each edge waiting for it, and makes ready
   * each waiter for which it was the last. In the write transaction of the transition that ended
   * it: SQLite has one writer at a time, so no other write can slip in between.
   */
  private resolveDependents(id: string, now: number, ready: Set<string>): void {
    const waiters = this.statement(SQLITE_SQL.resolveDependencies).all({ id, now }) as { waiter_id: string }[];
    for (const { waiter_id } of waiters) {
      const released = this.statement(SQLITE_SQL.releaseWaiter).get({ id: waiter_id }) as { name: string } | undefined;
      if (released) ready.add(released.name);
    }
  }

  private appendEvents(instanceId: string, events: readonly InstanceEvent[]): void {
    for (const event of events) this.statement(SQLITE_SQL.insertEvent).run(encodeEvent(instanceId, event, SQLITE_CODEC));
  }

  /** A write, atomic: its own immediate transaction, or a savepoint inside the open one. */
  private async write<R>(fn: () => R): Promise<R> {
    if (this.inTransaction) return this.connection.db.transaction(fn)();
    await this.connection.idle();
    return this.connection.db.transaction(fn).immediate();
  }

  private async read<R>(fn: () => R): Promise<R> {
    if (!this.inTransaction) await this.connection.idle();
    return fn();
  }

  private statement(sql: string): BetterSqlite3.Statement {
    return this.connection.prepare(sql);
  }

  /** Maps a violation of the unique-key index to DuplicateCommandError, naming the holder. */
  private translateError(error: unknown, uniqueKey: string | null, id: string | undefined): unknown {
    const { code, message } = (error ?? {}) as SqliteError;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return new Error(`durex: an instance with id ${id ?? '?'} already exists`, { cause: error });
    }
    if (code !== 'SQLITE_CONSTRAINT_UNIQUE' || !message?.includes('durex_instances.unique_key') || uniqueKey === null) {
      return error;
    }
    // Read right away: the failed write was rolled back and nothing else ran on the connection since.
    const holder = this.statement(SQLITE_SQL.holderOf).get(uniqueKey) as Row | undefined;
    return new DuplicateCommandError(uniqueKey, holder ? String(holder.id) : undefined);
  }
}

/** `?` placeholders, lists as JSON read with json_each, and GLOB for case-sensitive prefixes. */
class SqliteFilter implements FilterSyntax {
  readonly values: unknown[] = [];

  bind(value: unknown): string {
    this.values.push(value);
    return '?';
  }

  time(value: Date): unknown {
    return value.getTime();
  }

  oneOf(column: string, values: readonly string[]): string {
    return `${column} IN (SELECT value FROM json_each(${this.bind(JSON.stringify(values))}))`;
  }

  hasAllTags(tags: readonly string[]): string {
    return `NOT EXISTS (SELECT 1 FROM json_each(${this.bind(JSON.stringify(tags))}) wanted
      WHERE wanted.value NOT IN (SELECT value FROM json_each(durex_instances.tags)))`;
  }

  // LIKE ignores ASCII case in SQLite; GLOB does not.
  startsWith(column: string, prefix: string): string {
    return `${column} GLOB ${this.bind(`${escapeGlob(prefix)}*`)}`;
  }

  page(limit: number | undefined, offset: number | undefined): string {
    if (limit === undefined && !offset) return '';
    const page = `LIMIT ${this.bind(limit ?? -1)}`;
    return offset ? `${page} OFFSET ${this.bind(offset)}` : page;
  }
}
