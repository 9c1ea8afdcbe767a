import { createHash } from 'node:crypto';
import { TERMINAL_STATUSES } from '../../core/status.js';
import type { ClaimKind } from './dialect.interface.js';
import { type ColumnKind, EVENT_COLUMNS, INSTANCE_COLUMNS, instanceColumnList, PATCH_SPEC } from './instance-row.js';

/**
 * Which instances the single-statement claim takes: all of them (no limits apply), or only those
 * without a concurrency key, optionally asking whether a keyed one is ready ('probe').
 */
export type ClaimKeys = 'all' | 'unkeyed' | 'probe';

/** A statement with a stable name, so node-postgres prepares it once per connection. */
export interface NamedStatement {
  name: string;
  text: string;
}

/** Quotes an identifier (a schema name is configuration, but still never pasted raw). */
export function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * The NOTIFY channel of a schema. Channels are identifiers of at most 63 bytes, so long schema
 * names are hashed.
 */
export function channelFor(schema: string): string {
  const channel = `durex_${schema}`;
  return Buffer.byteLength(channel) <= 63 ? channel : `durex_${createHash('sha1').update(schema).digest('hex').slice(0, 24)}`;
}

// The predicates below are written exactly as in the partial indexes of the migration, so the
// planner can use them (and ON CONFLICT can infer the unique index).
const RUNNABLE = `status IN ('PENDING', 'REPEATING')`;
const ACTIVE_KEY = `status IN ('PENDING', 'STARTED', 'REPEATING') AND unique_key IS NOT NULL`;
const CLEANABLE = `status IN ('COMPLETED', 'FAILED', 'EXPIRED', 'CANCELLED')`;
const CLAIM_ORDER = 'priority DESC, ready_at, id';
const EVENT_LIST = EVENT_COLUMNS.join(', ');
const NOTIFY_LIMIT = 7900;
const FINAL = `status IN (${TERMINAL_STATUSES.map((status) => `'${status}'`).join(', ')})`;
const OUTCOME_COLUMNS = 'dependency_id, name, status, data, error, completed_at';

function named(text: string): NamedStatement {
  return { name: `durex_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text };
}

/**
 * Every fixed statement of the PostgreSQL dialect for one schema. Batches travel as one jsonb
 * parameter, so a statement's text never depends on the batch size and stays prepared.
 */
export class PostgresStatements {
  readonly instances: string;
  readonly events: string;
  readonly dependencies: string;

  readonly insert: NamedStatement;
  readonly get: NamedStatement;
  readonly history: NamedStatement;
  readonly transition: NamedStatement;
  readonly delete: NamedStatement;
  readonly deleteHistory: NamedStatement;
  readonly cleanup: NamedStatement;
  readonly renewLeases: NamedStatement;
  readonly findExpiredLeases: NamedStatement;
  readonly nextWakeAt: NamedStatement;
  readonly holderOf: NamedStatement;
  readonly notify: NamedStatement;
  readonly deleteDependencies: NamedStatement;
  readonly dependencyOutcomes: NamedStatement;
  readonly lockDependencies: NamedStatement;
  readonly insertDependencies: NamedStatement;
  /** The starts of rate-limited names. */
  readonly starts: string;
  /** The limited claim's steps, run in one transaction under {@link limitsLock} (see PostgresDialect.claimLimited). */
  readonly limitCounts: NamedStatement;
  readonly limitCandidates: NamedStatement;
  readonly limitClaim: NamedStatement;
  /** Takes the transaction-level advisory lock that serialises the limited claims of this schema. */
  readonly limitsLock: string;
  private readonly claims = new Map<string, NamedStatement>();

  constructor(readonly schema: string) {
    this.instances = `${quoteIdent(schema)}.durex_instances`;
    this.events = `${quoteIdent(schema)}.durex_events`;
    this.dependencies = `${quoteIdent(schema)}.durex_dependencies`;
    const I = this.instances;
    const E = this.events;
    const D = this.dependencies;
    const columns = instanceColumnList();

    this.insert = named(insertText(I, E));

    this.get = named(`SELECT ${columns} FROM ${I} WHERE id = $1`);
    this.history = named(`SELECT ${EVENT_LIST} FROM ${E} WHERE instance_id = $1 ORDER BY id`);

    this.transition = named(transitionText(I, E, D, `${quoteIdent(schema)}.durex_resolve_dependencies`));

    // History has no foreign key to cascade along (see the lean-indexes migration): the storage
    // deletes it. After the instances, in a statement of its own in the same transaction, so it also
    // sees events a transition committed while the delete waited for its row lock.
    this.delete = named(`DELETE FROM ${I} WHERE id = ANY($1::text[])`);
    this.deleteHistory = named(`DELETE FROM ${E} WHERE instance_id = ANY($1::text[])`);
    this.deleteDependencies = named(`DELETE FROM ${D} WHERE waiter_id = ANY($1::text[])`);
    this.dependencyOutcomes = named(`SELECT ${OUTCOME_COLUMNS} FROM ${D} WHERE waiter_id = $1 AND status IS NOT NULL ORDER BY position`);
    // A dependsOn insert locks what it waits for: a batch ending one of them meanwhile either
    // committed first (and the insert sees it ended) or waits for the insert to commit (and its
    // resolve function, with a fresh snapshot, sees the new edges).
    this.lockDependencies = named(`SELECT id, status FROM ${I} WHERE id = ANY($1::text[]) ORDER BY id FOR SHARE`);
    this.insertDependencies = named(`INSERT INTO ${D} (waiter_id, dependency_id, position, name, status, data, error, completed_at)
SELECT x.waiter_id, x.dependency_id, x.n, f.name, f.status, f.data, f.error, f.completed_at
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(waiter_id, dependency_id, n)
  LEFT JOIN (SELECT id, name, status, data, error, COALESCE(completed_at, now()) AS completed_at FROM ${I}
    WHERE id = ANY($2::text[]) AND ${FINAL}) f ON f.id = x.dependency_id`);
    // SKIP LOCKED: two processes cleaning at once take different rows instead of waiting. Finished
    // instances get no more events, so their history can go in the same statement.
    this.cleanup = named(`WITH gone AS (
  DELETE FROM ${I} WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM ${I} WHERE ${CLEANABLE} AND completed_at < $1
    ORDER BY completed_at LIMIT $2 FOR UPDATE SKIP LOCKED))
  RETURNING id
), history AS (
  DELETE FROM ${E} WHERE instance_id = ANY(ARRAY(SELECT id FROM gone))
), edges AS (
  DELETE FROM ${D} WHERE waiter_id = ANY(ARRAY(SELECT id FROM gone))
)
SELECT count(*)::int AS deleted FROM gone`);
    this.renewLeases = named(`UPDATE ${I} SET lease_expires_at = $3
WHERE id = ANY($2::text[]) AND status = 'STARTED' AND lease_owner = $1
RETURNING id`);
    this.findExpiredLeases = named(`SELECT ${columns} FROM ${I}
WHERE status = 'STARTED' AND lease_expires_at < $1
ORDER BY lease_expires_at, id LIMIT $2`);
    // One index probe per name on (name, ready_at) instead of a scan of every waiting row.
    this.nextWakeAt = named(`SELECT
  (SELECT min(w.ready_at) FROM unnest($1::text[]) AS n(name)
    CROSS JOIN LATERAL (SELECT ready_at FROM ${I} WHERE ${RUNNABLE} AND name = n.name ORDER BY ready_at LIMIT 1) w) AS ready_at,
  (SELECT min(deadline_at) FROM ${I} WHERE status = 'PENDING' AND deadline_at IS NOT NULL AND name = ANY($1::text[])) AS deadline_at`);
    this.holderOf = named(`SELECT id FROM ${I} WHERE unique_key = $1 AND ${ACTIVE_KEY} LIMIT 1`);
    this.notify = named(`SELECT pg_notify($1, $2)`);

    this.starts = `${quoteIdent(schema)}.durex_rate_starts`;
    const S = this.starts;
    const window = (per: string) => `$4::timestamptz - ${per} * interval '1 millisecond'`;
    // $1 names, $2 rate-limited names, $3 their windows (ms), $4 now. Running rows are every STARTED
    // row, lease expired or not: a slow process may still be running it.
    this.limitCounts = named(`SELECT 'name' AS kind, name AS key, count(*)::float8 AS n FROM ${I}
  WHERE status = 'STARTED' AND name = ANY($1::text[]) GROUP BY name
UNION ALL
SELECT 'key', concurrency_key, count(*)::float8 FROM ${I}
  WHERE status = 'STARTED' AND concurrency_key IS NOT NULL GROUP BY concurrency_key
UNION ALL
SELECT 'start', s.name, extract(epoch FROM s.at) * 1000 FROM ${S} s
  JOIN unnest($2::text[], $3::float8[]) AS w(name, per) ON s.name = w.name
  WHERE s.at > ${window('w.per')}`);
    // $1 names with room, $2 now, $3 keys at their limit, $4 page size, $5 offset.
    this.limitCandidates = named(`SELECT id, name, concurrency_key FROM ${I}
WHERE ${RUNNABLE} AND ready_at <= $2 AND name = ANY($1::text[]) AND (concurrency_key IS NULL OR concurrency_key <> ALL($3::text[]))
ORDER BY ${CLAIM_ORDER} LIMIT $4 OFFSET $5`);
    // $1 picked ids, $2 now, $3 owner, $4 lease expiry, $5 rate-limited names, $6 their windows (ms),
    // $7 names whose window is full, $8 when each has room (epoch ms). The picked rows were read in
    // this transaction without a row lock, so the update checks again that each is still ready.
    this.limitClaim = named(`WITH claimed AS (
  UPDATE ${I} AS i SET status = 'STARTED', attempt = i.attempt + 1, started_at = $2, completed_at = NULL,
    lease_owner = $3, lease_expires_at = $4
  WHERE i.id = ANY($1::text[]) AND i.${RUNNABLE} AND i.ready_at <= $2
  RETURNING ${instanceColumnList('i')}
), started AS (
  INSERT INTO ${E} (instance_id, type, at, attempt)
  SELECT id, 'started', $2, attempt FROM claimed
), recorded AS (
  INSERT INTO ${S} (name, at) SELECT name, $2 FROM claimed WHERE name = ANY($5::text[])
), pruned AS (
  DELETE FROM ${S} s USING unnest($5::text[], $6::float8[]) AS w(name, per)
  WHERE s.name = w.name AND s.at <= $2::timestamptz - w.per * interval '1 millisecond'
), held AS (
  UPDATE ${I} AS i SET ready_at = to_timestamp(h.until / 1000) FROM unnest($7::text[], $8::float8[]) AS h(name, until)
  WHERE i.name = h.name AND i.${RUNNABLE} AND i.ready_at < to_timestamp(h.until / 1000) AND i.id <> ALL($1::text[])
)
SELECT ${instanceColumnList()} FROM claimed ORDER BY ${CLAIM_ORDER}`);
    const lockId = createHash('sha1').update(`durex:limits:${schema}`).digest().readBigInt64BE(0);
    this.limitsLock = `SELECT pg_advisory_xact_lock(${lockId})`;
  }

  /**
   * The claim: one statement that picks with FOR UPDATE SKIP LOCKED, moves the rows to STARTED
   * under a lease and appends their `started` events. With per-name limits, each limited name is
   * picked by its own LIMIT (an index scan each) and the others by one shared LIMIT, instead of
   * numbering every ready row with a window function. The picked rows are updated by their ctid
   * (a TID scan, no second index probe per row, and no hash join with the table that the planner
   * prefers for large claims); the rows are locked, so their ctid cannot change in between.
   *
   * The `started` event stays here rather than being folded into the completion statement: it is
   * the same row either way (an attempt's history is created, started, outcome), and measured per
   * job the fold saved nothing (claim -10 µs, completion +16 µs of backend CPU at 500 per batch),
   * while here a claimed or running instance's history says it started, a crashed attempt's too,
   * and the storage contract is unchanged. With a prefetch buffer its time is the claim's.
   */
  claim(kind: ClaimKind, limited: boolean, keys: ClaimKeys = 'all'): NamedStatement {
    const key = `${kind}:${limited}:${keys}`;
    let statement = this.claims.get(key);
    if (!statement) {
      statement = named(this.claimText(kind, limited, keys));
      this.claims.set(key, statement);
    }
    return statement;
  }

  /**
   * $1 names, $2 limit, $3 now, $4 owner, $5 lease expiry; limited: $6 limited names, $7 their caps.
   * `keys` other than 'all' leaves instances with a concurrency key to the limited claim; 'probe'
   * also appends, as a last row marked by a true last column, one keyed instance that is ready, if
   * any: whether the limited claim has work, from an index of keyed rows only (empty unless keys
   * are used), at no extra round trip.
   */
  private claimText(kind: ClaimKind, limited: boolean, keys: ClaimKeys): string {
    const I = this.instances;
    const condition =
      kind === 'ready'
        ? `${RUNNABLE} AND ready_at <= $3${keys === 'all' ? '' : ' AND concurrency_key IS NULL'}`
        : `status = 'PENDING' AND deadline_at < $3`;
    const pick = (filter: string, limit: string) =>
      `SELECT ctid, id, priority, ready_at FROM ${I} WHERE ${condition} AND ${filter}
    ORDER BY ${CLAIM_ORDER} LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    const picked = limited
      ? `SELECT ctid, id, priority, ready_at FROM (
    SELECT c.ctid, c.id, c.priority, c.ready_at FROM unnest($6::text[], $7::int[]) AS lim(name, cap)
      CROSS JOIN LATERAL (${pick('name = lim.name', 'LEAST(lim.cap, $2)')}) c
  ) limited
  UNION ALL
  SELECT ctid, id, priority, ready_at FROM (${pick('name = ANY($1::text[]) AND name <> ALL($6::text[])', '$2')}) unlimited
  ORDER BY ${CLAIM_ORDER} LIMIT $2`
      : pick('name = ANY($1::text[])', '$2');
    return `WITH picked AS (
  ${picked}
), claimed AS (
  UPDATE ${I} AS i SET status = 'STARTED', attempt = i.attempt + 1, started_at = $3, completed_at = NULL,
    lease_owner = $4, lease_expires_at = $5
  WHERE i.ctid = ANY(ARRAY(SELECT ctid FROM picked))
  RETURNING ${instanceColumnList('i')}
), started AS (
  INSERT INTO ${this.events} (instance_id, type, at, attempt)
  SELECT id, 'started', $3, attempt FROM claimed
)
${
  keys === 'probe'
    ? `(SELECT ${instanceColumnList()}, false AS keyed FROM claimed ORDER BY ${CLAIM_ORDER})
UNION ALL
(SELECT ${instanceColumnList()}, true FROM ${I}
  WHERE ${RUNNABLE} AND concurrency_key IS NOT NULL AND ready_at <= $3 AND name = ANY($1::text[]) LIMIT 1)`
    : `SELECT ${instanceColumnList()} FROM claimed ORDER BY ${CLAIM_ORDER}`
}`;
  }
}

/**
 * How a column of each kind travels in a columnar batch, one array parameter per column: the
 * array's element type, and the SQL that turns element `x` into the column's value. JSON columns
 * travel apart, as one jsonb array each (see {@link jsonElement}). Times are epoch milliseconds:
 * cheaper to write and to read than timestamp text, on both sides. A list is an array literal
 * ('{}' for most rows), parsed per row.
 */
export const COLUMN_ARRAYS: Record<Exclude<ColumnKind, 'json'>, { type: string; value: (x: string) => string }> = {
  text: { type: 'text', value: (x) => x },
  int: { type: 'bigint', value: (x) => x },
  time: { type: 'float8', value: (x) => timestampFromEpochMs(x) },
  list: { type: 'text', value: (x) => `${x}::text[]` },
};

/**
 * The timestamptz of `x` epoch milliseconds, exactly. `to_timestamp(x / 1000)` goes through float
 * seconds and stored some dates before 1970 or centuries ahead a microsecond early, which read back
 * a millisecond early; whole seconds and the milliseconds apart are both exact in every storable year.
 */
export function timestampFromEpochMs(x: string): string {
  return `(to_timestamp(floor(${x} / 1000)) + (${x} - floor(${x} / 1000) * 1000) * interval '1 millisecond')`;
}

/** Element `n` (from 1) of a jsonb array parameter; a JSON null stands for SQL NULL. */
function jsonElement(param: string, n: string): string {
  return `NULLIF(${param}::jsonb -> (${n}::int - 1), 'null'::jsonb)`;
}

/**
 * The columns of the transition statement's per-transition arrays, in parameter order from $1:
 * the guard, then which patch columns are set (a bit per column, in {@link PATCH_SPEC} order), then
 * one array per patch column. JSON columns travel as one jsonb array each (element i for transition
 * i), read only where their bit is set.
 */
export const TRANSITION_PARAMS = [
  ['id', 'text'],
  ['statuses', 'text'],
  ['owner', 'text'],
  ['expired_before', 'float8'],
  ['mask', 'int'],
  ...PATCH_SPEC.filter(({ kind }) => kind !== 'json').map(({ column, kind }) => [column, COLUMN_ARRAYS[kind as keyof typeof COLUMN_ARRAYS].type] as const),
] as const;

/** History rows as parallel arrays (after the instance id, or the number of the transition, they belong to). */
export const EVENT_ARRAYS = [
  ['type', 'text'],
  ['at', 'float8'],
  ['attempt', 'int'],
  ['error', 'text'],
  ['duration_ms', 'float8'],
  ['message', 'text'],
] as const;

/**
 * New instances in one statement, each column an array parameter (see {@link COLUMN_ARRAYS}), then
 * the JSON columns as jsonb arrays, their history as parallel arrays (instance id first, see
 * {@link EVENT_ARRAYS}), the NOTIFY channel and payload (or null).
 */
function insertText(I: string, E: string): string {
  let n = 0;
  const param = () => `$${++n}`;
  const arrays = INSTANCE_COLUMNS.filter(([, , kind]) => kind !== 'json').map(([column, , kind]) => ({
    column,
    cast: `${param()}::${COLUMN_ARRAYS[kind as keyof typeof COLUMN_ARRAYS].type}[]`,
  }));
  const json = Object.fromEntries(INSTANCE_COLUMNS.filter(([, , kind]) => kind === 'json').map(([column]) => [column, param()]));
  const events = [['instance_id', 'text'] as const, ...EVENT_ARRAYS].map(([name, type]) => ({ name, cast: `${param()}::${type}[]` }));
  const channel = param();
  const payload = param();
  const values = INSTANCE_COLUMNS.map(([column, , kind]) =>
    kind === 'json' ? jsonElement(json[column]!, 'v.n') : COLUMN_ARRAYS[kind].value(`v.${column}`),
  );
  return `WITH v AS (
  SELECT * FROM unnest(${arrays.map((a) => a.cast).join(', ')}) WITH ORDINALITY AS v(${arrays.map((a) => a.column).join(', ')}, n)
), ins AS (
  INSERT INTO ${I} (${instanceColumnList()})
  SELECT ${values.join(', ')} FROM v
  RETURNING id
), ev AS (
  INSERT INTO ${E} (${EVENT_COLUMNS.join(', ')})
  SELECT e.instance_id, e.type, ${timestampFromEpochMs('e.at')}, e.attempt, e.error, e.duration_ms, e.message
  FROM unnest(${events.map((e) => e.cast).join(', ')}) WITH ORDINALITY AS e(${events.map((e) => e.name).join(', ')}, n)
  ORDER BY e.n
)
SELECT count(*)::int AS inserted,
  (SELECT count(*) FROM (SELECT pg_notify(${channel}, ${payload}) WHERE ${payload}::text IS NOT NULL) x)::int AS notified
FROM ins`;
}

/**
 * A batch of guarded transitions in one statement. Every value is an array parameter with one
 * element per transition (see {@link TRANSITION_PARAMS}), then: the JSON patch columns as jsonb
 * arrays, the events as parallel arrays with the number of their transition, the children and
 * their history as jsonb arrays with the number of their parent's transition, the fan-in edges
 * among the children as two parallel arrays (waiter, dependency), and the NOTIFY channel. The
 * instances the batch made final go to `durex_resolve_dependencies` (see the fan-in migration),
 * which records their outcomes for the instances waiting for them and makes ready, in this same
 * statement, each waiter whose last dependency this was. Each transition is guarded on its own: one whose guard fails changes nothing and the
 * others still apply. A column the patch does not set keeps its value, as the same datum, so a
 * large (TOASTed) `data` is not rewritten by a status change. Arrays rather than one jsonb batch:
 * the planner sees how many elements an array has, and no row is assembled from JSON per column.
 */
function transitionText(I: string, E: string, D: string, resolve: string): string {
  let n = 0;
  const param = () => `$${++n}`;
  const batchColumns = TRANSITION_PARAMS.map(([column, type]) => ({ column, cast: `${param()}::${type}[]` }));
  const jsonParams = Object.fromEntries(PATCH_SPEC.filter(({ kind }) => kind === 'json').map(({ column }) => [column, param()]));
  const eventParams = [['ord', 'int'] as const, ...EVENT_ARRAYS].map(([name, type]) => ({ name, cast: `${param()}::${type}[]` }));
  const children = param();
  const childOrds = param();
  const childEvents = param();
  const dependencyWaiters = param();
  const dependencyIds = param();
  const channel = param();
  const set = PATCH_SPEC.map(({ column, kind }, bit) => {
    const value = kind === 'json' ? jsonElement(jsonParams[column]!, 't.ord') : COLUMN_ARRAYS[kind].value(`t.${column}`);
    return `${column} = CASE WHEN t.mask & ${1 << bit} <> 0 THEN ${value} ELSE i.${column} END`;
  }).join(',\n    ');
  const columns = instanceColumnList();
  const events = EVENT_COLUMNS.join(', ');
  return `WITH t AS (
  SELECT x.*, x.n::int AS ord FROM unnest(${batchColumns.map((c) => c.cast).join(', ')}) WITH ORDINALITY
    AS x(${batchColumns.map((c) => c.column).join(', ')}, n)
), upd AS (
  UPDATE ${I} AS i SET ${set}
  FROM t
  WHERE i.id = ANY($1::text[]) AND i.id = t.id AND i.status = ANY(string_to_array(t.statuses, ','))
    AND (t.owner IS NULL OR i.lease_owner = t.owner)
    AND (t.expired_before IS NULL OR i.lease_expires_at < ${timestampFromEpochMs('t.expired_before')})
  RETURNING t.ord, i.id, i.name, i.status
), ev AS (
  INSERT INTO ${E} (${events})
  SELECT upd.id, e.type, ${timestampFromEpochMs('e.at')}, e.attempt, e.error, e.duration_ms, e.message
  FROM unnest(${eventParams.map((e) => e.cast).join(', ')}) WITH ORDINALITY AS e(${eventParams.map((e) => e.name).join(', ')}, n)
    JOIN upd ON upd.ord = e.ord
  ORDER BY e.n
), kids AS (
  INSERT INTO ${I} (${columns})
  SELECT ${instanceColumnList('c')}
  FROM jsonb_populate_recordset(NULL::${I}, ${children}::jsonb) WITH ORDINALITY AS c
    JOIN unnest(${childOrds}::int[]) WITH ORDINALITY AS p(ord, n) ON p.n = c.ordinality
  WHERE p.ord IN (SELECT ord FROM upd)
  ORDER BY c.ordinality
  ON CONFLICT (unique_key) WHERE ${ACTIVE_KEY} DO NOTHING
  RETURNING id, name, status
), kid_ev AS (
  INSERT INTO ${E} (${events})
  SELECT ${EVENT_COLUMNS.map((c) => `e.${c}`).join(', ')}
  FROM jsonb_populate_recordset(NULL::${E}, ${childEvents}::jsonb) WITH ORDINALITY AS e
  WHERE e.instance_id IN (SELECT id FROM kids)
  ORDER BY e.ordinality
), edges AS (
  INSERT INTO ${D} (waiter_id, dependency_id, position)
  SELECT x.waiter_id, x.dependency_id, x.n
  FROM unnest(${dependencyWaiters}::text[], ${dependencyIds}::text[]) WITH ORDINALITY AS x(waiter_id, dependency_id, n)
  WHERE x.waiter_id IN (SELECT id FROM kids)
), released AS (
  SELECT r.name FROM ${resolve}(ARRAY(SELECT id FROM upd WHERE upd.${FINAL})) AS r(name)
), note AS (
  SELECT pg_notify(${channel}, CASE WHEN length(n.payload) <= ${NOTIFY_LIMIT} THEN n.payload ELSE '{"type":"ready"}' END)
  FROM (
    SELECT json_build_object('type', 'ready', 'names', array_agg(DISTINCT r.name))::text AS payload
    FROM (SELECT name, status FROM upd UNION ALL SELECT name, status FROM kids UNION ALL SELECT name, 'PENDING' FROM released) r
    WHERE r.${RUNNABLE}
    HAVING count(*) > 0
  ) n
)
SELECT ARRAY(SELECT ord FROM upd) AS applied, ARRAY(SELECT id FROM kids) AS created,
  (SELECT count(*) FROM note)::int AS notified`;
}
