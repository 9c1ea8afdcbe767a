import pg, { type Pool, type PoolClient, type QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { CommandNotFoundError } from '../../core/errors/command-not-found.error.js';
import { DuplicateCommandError } from '../../core/errors/duplicate-command.error.js';
import { InvalidOptionsError } from '../../core/errors/invalid-options.error.js';
import type { InstanceEvent } from '../../core/event.js';
import type { Dependency, DependencyOutcome } from '../../core/fan-in.js';
import type { Instance } from '../../core/instance.js';
import { type Status, TERMINAL_STATUSES } from '../../core/status.js';
import { hasNameLimits, LimitedPick } from '../claim-limits.js';
import { dependencyIds, settleWaiters } from '../fan-in-insert.js';
import type { ClaimedInstances, ClaimRequest, InstanceQuery, StorageNotification, Transition, WakeTimes } from '../storage.interface.js';
import type { DurexDialect, TransitionResult } from './dialect.interface.js';
import {
  decodeEvent,
  decodeInstance,
  decodeInstanceValues,
  encodeHistories,
  type ColumnKind,
  encodeInstance,
  INSTANCE_COLUMNS,
  instanceColumnList,
  PATCH_SPEC,
  runnableNames,
  type Row,
  type RowCodec,
} from './instance-row.js';
import { runDurexMigrations } from './migrations/run-migrations.js';
import { type ClaimKeys, EVENT_ARRAYS, PostgresStatements, type NamedStatement } from './postgres.sql.js';
import { escapeLike, groupColumn, orderClause, whereClause, type FilterSyntax } from './query-filter.js';

/** Rows per INSERT statement, and the most JSON one statement carries, before a batch is split. */
const INSERT_CHUNK_ROWS = 1000;
const INSERT_CHUNK_BYTES = 16 * 1024 * 1024;
/** NOTIFY payloads must stay under 8000 bytes. */
const NOTIFY_PAYLOAD_BYTES = 7900;

/** node-postgres parses timestamptz to Date, jsonb to values and text[] to arrays; bigint comes as text. */
const PG_CODEC: RowCodec = {
  // Dates become ISO strings when the batch is serialised; jsonb_populate_record reads them back exactly.
  encodeTime: (value) => value,
  decodeTime: (value) => (value instanceof Date ? value : new Date(value as string)),
  encodeJson: (value) => value,
  decodeJson: (value) => value ?? null,
  encodeList: (value) => value,
  decodeList: (value) => (Array.isArray(value) ? value : []),
};

/** What every PostgreSQL dialect of one storage shares. */
export interface PostgresContext {
  dataSource: DataSource;
  pool: Pool;
  statements: PostgresStatements;
  channel: string;
  /** Rows this storage inserted until it looked at the table's statistics (see `ensureStatistics`); null once it has. */
  insertedBeforeStats?: number | null;
  /** Whether the last claim saw ready instances with a concurrency key, so the next one takes the limited path. */
  keyedWaiting?: boolean;
  /** When a claim last asked whether keyed instances wait (epoch ms), and whether the last claim filled its batch. */
  keyedProbedAt?: number;
  lastClaimFull?: boolean;
}

/** Longest time between two questions whether keyed instances wait, while every claim fills its batch (see `claim`). */
const KEYED_PROBE_MS = 1_000;

/** Most pages of candidates one limited claim reads (see `claimLimited`). */
const LIMITED_SCAN_PAGES = 5;

/** Rows inserted by one process before it checks that the instances table has statistics. */
const ROWS_BEFORE_STATS_CHECK = 1000;

type Session = Pool | PoolClient;

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/**
 * The PostgreSQL dialect: each method is one statement (a data-modifying CTE where a transition
 * touches several tables), prepared once per connection under a stable name. On the pool every
 * statement is its own transaction; inside a transaction, a multi-statement write runs under a
 * savepoint so its failure does not poison the caller's transaction.
 */
export class PostgresDialect implements DurexDialect {
  readonly notifiesInSql = true;
  private savepoints = 0;

  constructor(
    private readonly ctx: PostgresContext,
    private readonly session: Session,
    readonly inTransaction: boolean,
  ) {}

  async migrate(): Promise<void> {
    const queryRunner = this.ctx.dataSource.createQueryRunner();
    try {
      await runDurexMigrations(queryRunner, { kind: 'postgres', schema: this.ctx.statements.schema });
    } finally {
      await queryRunner.release();
    }
  }

  async insert(instances: readonly Instance[], dependencies: readonly Dependency[] = []): Promise<void> {
    if (!instances.length) return;
    if (dependencies.length) return this.insertWaiting(instances, dependencies);
    const chunks = insertChunks(instances);
    try {
      if (chunks.length === 1 && !this.inTransaction) await this.insertChunk(this.session, chunks[0]!);
      else await this.atomically(async (session) => {
        for (const chunk of chunks) await this.insertChunk(session, chunk);
      });
    } catch (error) {
      throw await this.translateError(error);
    }
    if (!this.inTransaction) this.ensureStatistics(instances.length);
  }

  async insertWithin(manager: EntityManager, instances: readonly Instance[], dependencies: readonly Dependency[] = []): Promise<void> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) return this.insert(instances, dependencies);
    if (runner.dataSource.options.type !== 'postgres') {
      throw new InvalidOptionsError('transaction', 'the EntityManager must be one of a PostgreSQL DataSource');
    }
    const client = (await runner.connect()) as PoolClient;
    return new PostgresDialect(this.ctx, client, true).insert(instances, dependencies);
  }

  /**
   * Inserts instances that wait for existing ones, in one transaction: locks what they wait for
   * (see `lockDependencies`), inserts them (ready at once when all of that has ended) and their
   * edges, the ended ones with their outcomes.
   */
  private async insertWaiting(instances: readonly Instance[], dependencies: readonly Dependency[]): Promise<void> {
    try {
      await this.atomically(async (session) => {
        const wanted = dependencyIds(dependencies);
        const rows = await this.run(this.ctx.statements.lockDependencies, [wanted], session);
        const found = new Set(rows.map((row) => String(row.id)));
        const missing = wanted.find((id) => !found.has(id));
        if (missing !== undefined) throw new CommandNotFoundError(missing);
        const ended = new Set(rows.filter((row) => TERMINAL_STATUSES.includes(row.status as Status)).map((row) => String(row.id)));
        for (const chunk of insertChunks(settleWaiters(instances, dependencies, ended))) await this.insertChunk(session, chunk);
        await this.run(
          this.ctx.statements.insertDependencies,
          [pgArray(dependencies.map((d) => d.waiterId)), pgArray(dependencies.map((d) => d.dependencyId))],
          session,
        );
      });
    } catch (error) {
      throw await this.translateError(error);
    }
  }

  async dependencyOutcomes(waiterId: string): Promise<DependencyOutcome[]> {
    return (await this.run(this.ctx.statements.dependencyOutcomes, [waiterId])).map((row) => ({
      id: String(row.dependency_id),
      name: String(row.name),
      status: row.status as DependencyOutcome['status'],
      data: (row.data ?? {}) as DependencyOutcome['data'],
      error: row.error == null ? null : String(row.error),
      completedAt: PG_CODEC.decodeTime(row.completed_at),
    }));
  }

  async get(id: string): Promise<Instance | null> {
    const [row] = await this.run(this.ctx.statements.get, [id]);
    return row ? decodeInstance(row, PG_CODEC) : null;
  }

  async history(id: string): Promise<InstanceEvent[]> {
    return (await this.run(this.ctx.statements.history, [id])).map((row) => decodeEvent(row, PG_CODEC));
  }

  async transition(transitions: readonly Transition[]): Promise<TransitionResult> {
    const result: TransitionResult = { outcomes: [], readyNames: [] };
    if (!transitions.length) return result;
    // The whole batch in one statement. A transition that raises (a replay whose unique key is
    // taken) fails the statement; the batch is then applied one by one so only that one fails,
    // as it would in memory. Repeated ids are applied one by one too: each must see the last.
    if (new Set(transitions.map((t) => t.id)).size === transitions.length) {
      try {
        result.outcomes = await this.atomically((session) => this.applyTransitions(session, transitions), true);
        return result;
      } catch {
        // Applied one at a time below, which reports the failing transition's own error.
      }
    }
    for (const transition of transitions) {
      try {
        const [outcome] = await this.atomically((session) => this.applyTransitions(session, [transition]), true);
        result.outcomes.push(outcome!);
      } catch (error) {
        result.error = await this.translateError(error, transition.id);
        break;
      }
    }
    return result;
  }

  async delete(ids: readonly string[]): Promise<number> {
    if (!ids.length) return 0;
    return this.atomically(async (session) => {
      const deleted = await this.affected(this.ctx.statements.delete, [ids], session);
      await this.run(this.ctx.statements.deleteHistory, [ids], session);
      await this.run(this.ctx.statements.deleteDependencies, [ids], session);
      return deleted;
    });
  }

  async cleanup(before: Date, limit: number): Promise<number> {
    if (limit <= 0) return 0;
    const [row] = await this.run(this.ctx.statements.cleanup, [before, limit]);
    return Number(row?.deleted ?? 0);
  }

  async find(query: InstanceQuery): Promise<Instance[]> {
    const filter = new PostgresFilter();
    const where = whereClause(query, filter);
    const text = `SELECT ${instanceColumnList()} FROM ${this.ctx.statements.instances} ${where} ${orderClause(query)} ${filter.page(query.limit, query.offset)}`;
    return (await this.runText(text, filter.values)).map((row) => decodeInstance(row, PG_CODEC));
  }

  async count(query: InstanceQuery): Promise<number> {
    const filter = new PostgresFilter();
    const text = `SELECT count(*) AS n FROM ${this.ctx.statements.instances} ${whereClause(query, filter)}`;
    const [row] = await this.runText(text, filter.values);
    return Number(row?.n ?? 0);
  }

  async countBy(field: 'status' | 'name', query: InstanceQuery): Promise<Record<string, number>> {
    const filter = new PostgresFilter();
    const column = groupColumn(field);
    const text = `SELECT ${column} AS key, count(*) AS n FROM ${this.ctx.statements.instances} ${whereClause(query, filter)} GROUP BY ${column}`;
    const counts: Record<string, number> = {};
    for (const row of await this.runText(text, filter.values)) counts[String(row.key)] = Number(row.n);
    return counts;
  }

  /**
   * Claims without limits take the single-statement path. With limits, claims of a cluster-limited
   * or rate-limited name, and of instances with a concurrency key, go through
   * {@link claimLimited}; the others still take the single statement, which leaves keyed instances
   * out. Whether keyed instances wait is asked in that statement ('probe'), whenever the previous
   * claim came up short and at least every {@link KEYED_PROBE_MS} ms otherwise: a backlog that
   * fills every batch pays for the question once a second instead of on each claim, and keyed
   * work waits at most that long to be noticed. When keyed work waits, the limited claim takes it,
   * in this call when the statement came up short, else in the next.
   */
  async claim(request: ClaimRequest): Promise<ClaimedInstances> {
    if (!request.names.length || request.limit <= 0) return [];
    if (!request.limits || request.overdueOnly) return (await this.claimUnlimited(request, 'all')).claimed;
    if (hasNameLimits(request) || this.ctx.keyedWaiting) return this.claimLimited(request);
    const now = request.now.getTime();
    const probe = this.ctx.lastClaimFull !== true || now - (this.ctx.keyedProbedAt ?? 0) >= KEYED_PROBE_MS;
    const { claimed, keyedWaiting } = await this.claimUnlimited(request, probe ? 'probe' : 'unkeyed');
    this.ctx.lastClaimFull = claimed.length >= request.limit;
    if (!probe) return claimed;
    this.ctx.keyedProbedAt = now;
    this.ctx.keyedWaiting = keyedWaiting;
    if (!keyedWaiting || claimed.length >= request.limit) return claimed;
    const keyed = await this.claimLimited({ ...request, limit: request.limit - claimed.length });
    return Object.assign([...claimed, ...keyed], { heldBack: keyed.heldBack });
  }

  private async claimUnlimited(request: ClaimRequest, keys: ClaimKeys): Promise<{ claimed: Instance[]; keyedWaiting: boolean }> {
    const limits = request.perNameLimits ?? {};
    const limited = request.names.filter((name) => limits[name] !== undefined);
    const statement = this.ctx.statements.claim(request.overdueOnly ? 'overdue' : 'ready', limited.length > 0, keys);
    const values: unknown[] = [
      request.names,
      Math.floor(request.limit),
      request.now,
      request.owner,
      new Date(request.now.getTime() + request.leaseMs),
    ];
    if (limited.length) values.push(limited, limited.map((name) => Math.max(0, Math.floor(limits[name]!))));
    const rows = await this.runArrays(statement, values);
    // The probing statement's last column marks the one row that only says keyed work is ready.
    const keyedWaiting = keys === 'probe' && rows.length > 0 && rows[rows.length - 1]![INSTANCE_COLUMNS.length] === true;
    if (keyedWaiting) rows.pop();
    return { claimed: rows.map((row) => decodeInstanceValues(row, PG_CODEC)), keyedWaiting };
  }

  /**
   * A claim within cluster-wide limits, in one short transaction. It first takes one
   * transaction-level advisory lock per schema, so limited claims run one at a time across every
   * process; then it counts, in statements whose snapshots start after the lock (under READ
   * COMMITTED each statement sees what every earlier holder committed), the running instances of
   * the limited names and keys and the recent starts of the rate-limited names; picks ready
   * instances in claim order within the room left ({@link LimitedPick}, shared with the other
   * storages); and claims them, records their starts, and moves the ready instances of a name
   * whose rate window is full to when it has room, all in one statement. One lock rather than one
   * per name or key: a key spans names, and the critical section is a few milliseconds. Unlimited
   * claims never take it.
   */
  private async claimLimited(request: ClaimRequest): Promise<ClaimedInstances> {
    const { statements } = this.ctx;
    const now = request.now.getTime();
    const rate = Object.entries(request.limits?.rate ?? {}).filter(([name]) => request.names.includes(name));
    const rateNames = rate.map(([name]) => name);
    const ratePers = rate.map(([, window]) => window.per);
    return this.atomically(async (session) => {
      await session.query(statements.limitsLock);
      const runningByName = new Map<string, number>();
      const runningByKey = new Map<string, number>();
      const startsByName = new Map<string, number[]>();
      for (const row of await this.run(statements.limitCounts, [request.names, rateNames, ratePers, request.now], session)) {
        const key = String(row.key);
        const n = Number(row.n);
        if (row.kind === 'name') runningByName.set(key, n);
        else if (row.kind === 'key') runningByKey.set(key, n);
        else startsByName.set(key, [...(startsByName.get(key) ?? []), Math.round(n)]);
      }
      const pick = new LimitedPick(request, { runningByName, runningByKey, startsByName });
      const closed = new Set(pick.closedNames());
      const open = request.names.filter((name) => !closed.has(name));
      const fullKeys = pick.fullKeys();
      const ids: string[] = [];
      let keyed = false;
      // Pages of candidates until the claim is full: instances whose key fills up during the pick
      // are passed over, so the first page may not be enough. Bounded, so the lock is held briefly.
      const page = Math.max(100, 4 * request.limit);
      for (let offset = 0; open.length && !pick.full && offset < LIMITED_SCAN_PAGES * page; offset += page) {
        const rows = await this.run(statements.limitCandidates, [open, request.now, fullKeys, page, offset], session);
        for (const row of rows) {
          const concurrencyKey = row.concurrency_key == null ? null : String(row.concurrency_key);
          keyed ||= concurrencyKey !== null;
          if (pick.take({ name: String(row.name), concurrencyKey })) ids.push(String(row.id));
          if (pick.full) break;
        }
        if (rows.length < page) break;
      }
      if (fullKeys.length) keyed = true;
      this.ctx.keyedWaiting = keyed;
      const holds = pick.holds();
      const result = await session.query<unknown[]>({
        name: statements.limitClaim.name,
        text: statements.limitClaim.text,
        values: [
          ids,
          request.now,
          request.owner,
          new Date(now + request.leaseMs),
          rateNames,
          ratePers,
          holds.map((hold) => hold.name),
          holds.map((hold) => hold.until),
        ],
        types: FAST_TYPES,
        rowMode: 'array',
      });
      const claimed: ClaimedInstances = result.rows.map((row) => decodeInstanceValues(row, PG_CODEC));
      // The candidates left out the instances of full keys, so the pick never saw them refused.
      claimed.heldBack = pick.heldBack || fullKeys.length > 0;
      return claimed;
    });
  }

  async renewLeases(owner: string, ids: readonly string[], until: Date): Promise<string[]> {
    if (!ids.length) return [];
    const held = new Set((await this.run(this.ctx.statements.renewLeases, [owner, ids, until])).map((row) => String(row.id)));
    return ids.filter((id) => held.has(id));
  }

  async findExpiredLeases(now: Date, limit: number): Promise<Instance[]> {
    if (limit <= 0) return [];
    return (await this.run(this.ctx.statements.findExpiredLeases, [now, limit])).map((row) => decodeInstance(row, PG_CODEC));
  }

  async nextWakeAt(names: readonly string[]): Promise<WakeTimes> {
    if (!names.length) return { readyAt: null, deadlineAt: null };
    const [row] = await this.run(this.ctx.statements.nextWakeAt, [names]);
    return {
      readyAt: row?.ready_at ? PG_CODEC.decodeTime(row.ready_at) : null,
      deadlineAt: row?.deadline_at ? PG_CODEC.decodeTime(row.deadline_at) : null,
    };
  }

  async ping(): Promise<void> {
    await this.session.query('SELECT 1');
  }

  async publish(notification: StorageNotification): Promise<boolean> {
    for (const payload of notificationPayloads(notification)) {
      await this.run(this.ctx.statements.notify, [this.ctx.channel, payload]);
    }
    return true;
  }

  async transaction<R>(fn: (dialect: DurexDialect) => Promise<R>): Promise<R> {
    return this.atomically((session) => fn(session === this.session ? this : new PostgresDialect(this.ctx, session, true)));
  }

  /**
   * Runs `fn` atomically: on the pool in a transaction of its own connection, inside a transaction
   * under a savepoint. `singleStatement` says `fn` issues one statement, atomic by itself on the pool.
   */
  private async atomically<R>(fn: (session: Session) => Promise<R>, singleStatement = false): Promise<R> {
    if (this.inTransaction) {
      const savepoint = `durex_${++this.savepoints}`;
      await this.session.query(`SAVEPOINT ${savepoint}`);
      try {
        const result = await fn(this.session);
        await this.session.query(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (error) {
        await this.session.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        throw error;
      }
    }
    if (singleStatement) return fn(this.session);
    const client = await this.ctx.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      }
    } finally {
      // A connection that could not roll back is discarded rather than returned mid-transaction.
      client.release(broken);
    }
  }

  /**
   * Makes sure the instances table has planner statistics once it holds real work. A table that was
   * never analyzed (a new deployment, before autovacuum's first visit, which can take a minute)
   * makes the planner guess that almost no row is ready, and it then claims by sorting every ready
   * row instead of walking the claim index: each claim of 10 costs a sort of the whole backlog.
   * So after its first thousand inserts, a process checks, once, and analyzes the table if nobody
   * has. In the background: the insert does not wait, and a failure (no right to ANALYZE) only
   * leaves it to autovacuum.
   */
  private ensureStatistics(inserted: number): void {
    const ctx = this.ctx;
    if (ctx.insertedBeforeStats === null) return;
    ctx.insertedBeforeStats = (ctx.insertedBeforeStats ?? 0) + inserted;
    if (ctx.insertedBeforeStats < ROWS_BEFORE_STATS_CHECK) return;
    ctx.insertedBeforeStats = null;
    const table = ctx.statements.instances;
    void (async () => {
      const { rows } = await ctx.pool.query<{ never: boolean }>(
        `SELECT last_analyze IS NULL AND last_autoanalyze IS NULL AS never FROM pg_stat_all_tables WHERE relid = $1::regclass`,
        [table],
      );
      if (rows[0]?.never) await ctx.pool.query(`ANALYZE ${table}`);
    })().catch(() => undefined);
  }

  private async insertChunk(session: Session, chunk: InsertChunk): Promise<void> {
    const payload = chunk.readyNames.length ? readyPayload(chunk.readyNames) : null;
    await this.run(this.ctx.statements.insert, [...chunk.values, this.ctx.channel, payload], session);
  }

  private async applyTransitions(session: Session, transitions: readonly Transition[]) {
    const [row] = await this.run(this.ctx.statements.transition, [...encodeTransitions(transitions), this.ctx.channel], session);
    const applied = new Set((row?.applied as number[] | undefined) ?? []);
    const created = new Set((row?.created as string[] | undefined) ?? []);
    return transitions.map((t, index) =>
      applied.has(index + 1)
        ? { applied: true, skippedChildren: (t.children ?? []).filter((c) => !created.has(c.id)).map((c) => c.id) }
        : { applied: false, skippedChildren: [] },
    );
  }

  /** Maps a unique-key violation to DuplicateCommandError, naming the key and the instance holding it. */
  private async translateError(error: unknown, transitionId?: string): Promise<unknown> {
    const { code, constraint, detail } = (error ?? {}) as PgError;
    if (code !== '23505') return error;
    if (constraint === 'durex_instances_pkey') {
      return new Error(`durex: an instance with this id already exists (${detail ?? 'duplicate id'})`, { cause: error });
    }
    if (constraint !== 'durex_instances_unique_key_idx') return error;
    let key = /^Key \(unique_key\)=\((.*)\) already exists\.$/s.exec(detail ?? '')?.[1];
    // Read on the pool: the failed statement may have aborted the session's transaction.
    if (key === undefined && transitionId !== undefined) {
      const {
        rows: [row],
      } = await this.ctx.pool.query<{ unique_key: string }>(
        `SELECT unique_key FROM ${this.ctx.statements.instances} WHERE id = $1`,
        [transitionId],
      );
      key = row?.unique_key;
    }
    if (key === undefined) return error;
    const [holder] = (await this.run(this.ctx.statements.holderOf, [key], this.ctx.pool).catch(() => [])) as Row[];
    return new DuplicateCommandError(key, holder ? String(holder.id) : undefined);
  }

  private async run(statement: NamedStatement, values: unknown[], session: Session = this.session): Promise<Row[]> {
    const result = await session.query<QueryResultRow>({ name: statement.name, text: statement.text, values, types: FAST_TYPES });
    return result.rows;
  }

  /** Rows as arrays of column values: no object per row, for the statements that return hundreds of instances. */
  private async runArrays(statement: NamedStatement, values: unknown[]): Promise<unknown[][]> {
    const result = await this.session.query<unknown[]>({ name: statement.name, text: statement.text, values, types: FAST_TYPES, rowMode: 'array' });
    return result.rows;
  }

  private async runText(text: string, values: unknown[]): Promise<Row[]> {
    return (await this.session.query<QueryResultRow>({ text, values, types: FAST_TYPES })).rows;
  }

  private async affected(statement: NamedStatement, values: unknown[], session: Session = this.session): Promise<number> {
    const result = await session.query({ name: statement.name, text: statement.text, values });
    return result.rowCount ?? 0;
  }
}

const TIMESTAMPTZ_OID = 1184;

/**
 * The driver's type parsers, with a faster one for timestamptz: a claim returns several times per
 * row, and the driver's general parser (regular expressions, for every date style) was a tenth of
 * the worker's CPU. Reads the ISO text PostgreSQL sends by default, `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`,
 * with the same result (fractions of a millisecond truncated); anything else (other date styles,
 * years before 100 or after 9999, BC, infinity) goes to the driver's parser.
 */
const FAST_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID && format !== 'binary' ? parseTimestamptz : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

export function parseTimestamptz(text: string): Date {
  if (text.length < 22 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32) return driverTimestamptz(text);
  const year = digitsAt(text, 0, 4);
  if (!(year >= 100)) return driverTimestamptz(text);
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    let scale = 100;
    for (i += 1; i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57; i++) {
      ms += (text.charCodeAt(i) - 48) * scale;
      scale /= 10;
    }
  }
  const sign = text.charCodeAt(i) === 43 ? 1 : text.charCodeAt(i) === 45 ? -1 : 0;
  if (!sign) return driverTimestamptz(text);
  let offset = digitsAt(text, i + 1, i + 3) * 3600;
  let end = i + 3;
  if (text.charCodeAt(end) === 58) {
    offset += digitsAt(text, end + 1, end + 3) * 60;
    end += 3;
    if (text.charCodeAt(end) === 58) {
      offset += digitsAt(text, end + 1, end + 3);
      end += 3;
    }
  }
  const time =
    Date.UTC(year, digitsAt(text, 5, 7) - 1, digitsAt(text, 8, 10), digitsAt(text, 11, 13), digitsAt(text, 14, 16), digitsAt(text, 17, 19), Math.trunc(ms)) -
    sign * offset * 1000;
  return end === text.length && Number.isFinite(time) ? new Date(time) : driverTimestamptz(text);
}

/** The decimal number in text[from, to), or NaN if a character there is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

function driverTimestamptz(text: string): Date {
  return pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text')(text) as Date;
}

/** `$n` placeholders and PostgreSQL's array operators. */
class PostgresFilter implements FilterSyntax {
  readonly values: unknown[] = [];

  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  time(value: Date): unknown {
    return value;
  }

  oneOf(column: string, values: readonly string[]): string {
    return `${column} = ANY(${this.bind(values)}::text[])`;
  }

  hasAllTags(tags: readonly string[]): string {
    // The second condition matches the predicate of the partial GIN index, which holds tagged rows only.
    return `tags @> ${this.bind(tags)}::text[] AND tags <> '{}'::text[]`;
  }

  startsWith(column: string, prefix: string): string {
    return `${column} LIKE ${this.bind(`${escapeLike(prefix)}%`)} ESCAPE '\\'`;
  }

  page(limit: number | undefined, offset: number | undefined): string {
    const parts: string[] = [];
    if (limit !== undefined) parts.push(`LIMIT ${this.bind(limit)}`);
    if (offset) parts.push(`OFFSET ${this.bind(offset)}`);
    return parts.join(' ');
  }
}

function readyPayload(names: readonly string[]): string {
  const payload = JSON.stringify({ type: 'ready', names });
  return Buffer.byteLength(payload) <= NOTIFY_PAYLOAD_BYTES ? payload : JSON.stringify({ type: 'ready' });
}

/** A notification as NOTIFY payloads: a long list of cancelled ids is split, a long list of names dropped (all wake). */
function notificationPayloads(notification: StorageNotification): string[] {
  if (notification.type === 'ready') return [notification.names ? readyPayload(notification.names) : JSON.stringify({ type: 'ready' })];
  const payloads: string[] = [];
  let ids: string[] = [];
  for (const id of notification.ids) {
    if (ids.length && Buffer.byteLength(JSON.stringify({ type: 'cancelled', ids: [...ids, id] })) > NOTIFY_PAYLOAD_BYTES) {
      payloads.push(JSON.stringify({ type: 'cancelled', ids }));
      ids = [];
    }
    ids.push(id);
  }
  if (ids.length) payloads.push(JSON.stringify({ type: 'cancelled', ids }));
  return payloads;
}

/**
 * A batch of transitions as the transition statement's parameters (see `transitionText`): one array
 * per guard field and patch column, a bit mask of the columns each patch sets, the JSON columns as
 * jsonb arrays, the events as parallel arrays, and the children with their history.
 */
function encodeTransitions(transitions: readonly Transition[]): unknown[] {
  // In the order of TRANSITION_PARAMS (postgres.sql.ts): id, statuses, owner, expired_before, mask, then the patch columns.
  const guards: unknown[][] = [[], [], [], [], []];
  const patches = PATCH_ARRAY_COLUMNS.map((): unknown[] => []);
  const json = PATCH_JSON_COLUMNS.map((): unknown[] => []);
  const events = [[] as unknown[], ...EVENT_ARRAYS.map((): unknown[] => [])];
  const children: Row[] = [];
  const childOrds: number[] = [];
  const childEvents: Row[] = [];
  const dependencies: Dependency[] = [];
  for (let index = 0; index < transitions.length; index++) {
    const t = transitions[index]!;
    const ord = index + 1;
    let mask = 0;
    for (let bit = 0; bit < PATCH_SPEC.length; bit++) if (t.patch[PATCH_SPEC[bit]!.field] !== undefined) mask |= 1 << bit;
    guards[0]!.push(t.id);
    guards[1]!.push(t.guard.statuses.join(','));
    guards[2]!.push(t.guard.leaseOwner ?? null);
    guards[3]!.push(t.guard.leaseExpiredBefore?.getTime() ?? null);
    guards[4]!.push(mask);
    for (let c = 0; c < PATCH_ARRAY_COLUMNS.length; c++) {
      const { field, kind } = PATCH_ARRAY_COLUMNS[c]!;
      patches[c]!.push(arrayElement(t.patch[field], kind));
    }
    for (let c = 0; c < PATCH_JSON_COLUMNS.length; c++) json[c]!.push(t.patch[PATCH_JSON_COLUMNS[c]!.field] ?? null);
    for (const event of t.events) {
      events[0]!.push(ord);
      pushEvent(events, 1, event);
    }
    if (t.children?.length) {
      for (const child of t.children) {
        children.push(encodeInstance(child, PG_CODEC));
        childOrds.push(ord);
      }
      childEvents.push(...encodeHistories(t.children, PG_CODEC));
    }
    if (t.dependencies?.length) dependencies.push(...t.dependencies);
  }
  return [
    ...guards.map(columnArray),
    ...patches.map(columnArray),
    ...json.map((values) => (values.some((value) => value !== null) ? JSON.stringify(values) : null)),
    ...events.map(columnArray),
    JSON.stringify(children),
    pgArray(childOrds),
    JSON.stringify(childEvents),
    columnArray(dependencies.map((d) => d.waiterId)),
    columnArray(dependencies.map((d) => d.dependencyId)),
  ];
}

/** The patch columns that travel as arrays, and those that travel as JSON, in {@link PATCH_SPEC} order. */
const PATCH_ARRAY_COLUMNS = PATCH_SPEC.filter(({ kind }) => kind !== 'json');
const PATCH_JSON_COLUMNS = PATCH_SPEC.filter(({ kind }) => kind === 'json');

/** A value as an element of its column's batch array (see COLUMN_ARRAYS in postgres.sql.ts). */
function arrayElement(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'time') return (value as Date).getTime();
  if (kind === 'list') return arrayLiteral(value as readonly string[]);
  return value;
}

/** A text[] literal. */
function arrayLiteral(items: readonly string[]): string {
  return items.length ? pgArray(items.map(String)) : '{}';
}

/** Appends an event's columns (see EVENT_ARRAYS) to parallel arrays, from `events[from]`. */
function pushEvent(events: unknown[][], from: number, event: InstanceEvent): void {
  events[from]!.push(event.type);
  events[from + 1]!.push(event.timestamp.getTime());
  events[from + 2]!.push(event.attempt ?? null);
  events[from + 3]!.push(event.error ?? null);
  events[from + 4]!.push(event.durationMs ?? null);
  events[from + 5]!.push(event.message ?? null);
}

/**
 * A batch column as an array parameter, or null when every value is null (most columns of a
 * completion or of new instances): the statements unnest several arrays at once, which pads a
 * null or shorter array with nulls, so nothing is built or parsed for it. The first column of each
 * batch (ids) is never all null.
 */
function columnArray(values: readonly unknown[]): string | null {
  for (const value of values) if (value !== null && value !== undefined) return pgArray(values);
  return null;
}

/** Array elements that need no quotes in an array literal. */
const PLAIN_ELEMENT = /^[A-Za-z0-9_.:@+-]+$/;

/**
 * A one-dimensional array literal: numbers as they are, strings quoted only when they must be,
 * null as NULL. The driver would quote and escape every element; for the batch statements' arrays
 * (thousands of ids, names and times) that was a tenth of the worker's CPU.
 */
function pgArray(values: readonly unknown[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    if (i) literal += ',';
    const value = values[i];
    if (value === null || value === undefined) literal += 'NULL';
    else if (typeof value === 'number') literal += String(value);
    else {
      const text = String(value);
      literal += PLAIN_ELEMENT.test(text) && text.toUpperCase() !== 'NULL' ? text : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    }
  }
  return `${literal}}`;
}

/** Part of an insert batch, as the insert statement's parameters, and the names it makes runnable. */
interface InsertChunk {
  values: unknown[];
  readyNames: string[];
}

const ARRAY_COLUMNS = INSTANCE_COLUMNS.filter(([, , kind]) => kind !== 'json');
const JSON_COLUMNS = INSTANCE_COLUMNS.filter(([, , kind]) => kind === 'json');
/** A generous guess of a row's bytes besides its JSON columns, for the chunk size limit. */
const ROW_OVERHEAD_BYTES = 400;

/**
 * Splits a batch so no statement carries more than a bounded number of rows or bytes, each chunk
 * columnar: one array per column, the JSON columns as one JSON array each, the history as
 * parallel arrays (see insertText in postgres.sql.ts).
 */
function insertChunks(instances: readonly Instance[]): InsertChunk[] {
  const chunks: InsertChunk[] = [];
  let members: Instance[] = [];
  let json: string[][] = JSON_COLUMNS.map(() => []);
  let bytes = 0;
  const flush = () => {
    const columns = ARRAY_COLUMNS.map(([, field, kind]) => members.map((instance) => arrayElement(instance[field], kind)));
    const events = [[] as unknown[], ...EVENT_ARRAYS.map((): unknown[] => [])];
    for (const instance of members) {
      for (const event of instance.history) {
        events[0]!.push(instance.id);
        pushEvent(events, 1, event);
      }
    }
    chunks.push({
      values: [...columns.map(columnArray), ...json.map((parts) => `[${parts.join(',')}]`), ...events.map(columnArray)],
      readyNames: runnableNames(members),
    });
    members = [];
    json = JSON_COLUMNS.map(() => []);
    bytes = 0;
  };
  for (const instance of instances) {
    const parts = JSON_COLUMNS.map(([, field]) => JSON.stringify(instance[field] ?? null));
    const size = parts.reduce((sum, part) => sum + part.length, ROW_OVERHEAD_BYTES);
    if (members.length && (members.length >= INSERT_CHUNK_ROWS || bytes + size > INSERT_CHUNK_BYTES)) flush();
    members.push(instance);
    parts.forEach((part, column) => json[column]!.push(part));
    bytes += size;
  }
  if (members.length) flush();
  return chunks;
}
