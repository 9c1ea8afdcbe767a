import { WAITING_READY_AT } from '../../core/fan-in.js';
import { TERMINAL_STATUSES } from '../../core/status.js';
import { EVENT_COLUMNS, INSTANCE_COLUMNS, instanceColumnList } from './instance-row.js';
import type { ClaimKind } from './dialect.interface.js';

// Lists travel as one JSON text parameter read with json_each, so a statement's text never
// depends on a list's length and stays prepared. Predicates are spelled as in the partial indexes.
const RUNNABLE = `status IN ('PENDING', 'REPEATING')`;
const ACTIVE_KEY = `status IN ('PENDING', 'STARTED', 'REPEATING') AND unique_key IS NOT NULL`;
const CLEANABLE = `status IN ('COMPLETED', 'FAILED', 'EXPIRED', 'CANCELLED')`;
const CLAIM_ORDER = 'priority DESC, ready_at, id';
const FINAL = `status IN (${TERMINAL_STATUSES.map((status) => `'${status}'`).join(', ')})`;
const COLUMNS = instanceColumnList();
const VALUES = INSTANCE_COLUMNS.map(([column]) => `@${column}`).join(', ');

/** The fixed statements of the SQLite dialect; named parameters are the column names. */
export const SQLITE_SQL = {
  insert: `INSERT INTO durex_instances (${COLUMNS}) VALUES (${VALUES})`,
  insertChild: `INSERT INTO durex_instances (${COLUMNS}) VALUES (${VALUES})
    ON CONFLICT (unique_key) WHERE ${ACTIVE_KEY} DO NOTHING`,
  insertEvent: `INSERT INTO durex_events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  get: `SELECT ${COLUMNS} FROM durex_instances WHERE id = ?`,
  history: `SELECT ${EVENT_COLUMNS.join(', ')} FROM durex_events WHERE instance_id = ? ORDER BY id`,
  uniqueKeyOf: `SELECT unique_key FROM durex_instances WHERE id = ?`,
  holderOf: `SELECT id FROM durex_instances WHERE unique_key = ? AND ${ACTIVE_KEY} LIMIT 1`,
  delete: `DELETE FROM durex_instances WHERE id IN (SELECT value FROM json_each(?))`,
  cleanup: `DELETE FROM durex_instances WHERE id IN (
    SELECT id FROM durex_instances WHERE ${CLEANABLE} AND completed_at < ? ORDER BY completed_at LIMIT ?)`,
  renewLeases: `UPDATE durex_instances SET lease_expires_at = @until
    WHERE id IN (SELECT value FROM json_each(@ids)) AND status = 'STARTED' AND lease_owner = @owner
    RETURNING id`,
  findExpiredLeases: `SELECT ${COLUMNS} FROM durex_instances
    WHERE status = 'STARTED' AND lease_expires_at < ? ORDER BY lease_expires_at, id LIMIT ?`,
  nextWakeAt: `SELECT
    (SELECT min(ready_at) FROM durex_instances
      WHERE ${RUNNABLE} AND name IN (SELECT value FROM json_each(@names))) AS ready_at,
    (SELECT min(deadline_at) FROM durex_instances
      WHERE status = 'PENDING' AND deadline_at IS NOT NULL AND name IN (SELECT value FROM json_each(@names))) AS deadline_at`,
  startedEvent: `INSERT INTO durex_events (instance_id, type, at, attempt) VALUES (?, 'started', ?, ?)`,
  // Fan-in. The edges of a waiter go with it through their foreign key.
  statusesOf: `SELECT id, status FROM durex_instances WHERE id IN (SELECT value FROM json_each(?))`,
  insertDependency: `INSERT INTO durex_dependencies (waiter_id, dependency_id, position) VALUES (?, ?, ?)`,
  /** Records an instance's outcome on the edges waiting for it (if it is final); returns their waiters. */
  resolveDependencies: `UPDATE durex_dependencies
    SET name = i.name, status = i.status, data = i.data, error = i.error, completed_at = coalesce(i.completed_at, @now)
    FROM durex_instances AS i
    WHERE durex_dependencies.dependency_id = @id AND durex_dependencies.status IS NULL AND i.id = @id AND i.${FINAL}
    RETURNING waiter_id`,
  /** Makes a waiter ready once none of its edges is open, at the latest end of its dependencies; returns its name. */
  releaseWaiter: `UPDATE durex_instances SET ready_at = (SELECT max(completed_at) FROM durex_dependencies WHERE waiter_id = @id)
    WHERE id = @id AND status = 'PENDING' AND ready_at >= ${WAITING_READY_AT.getTime()}
      AND NOT EXISTS (SELECT 1 FROM durex_dependencies WHERE waiter_id = @id AND status IS NULL)
    RETURNING name`,
  dependencyOutcomes: `SELECT dependency_id, name, status, data, error, completed_at FROM durex_dependencies
    WHERE waiter_id = ? AND status IS NOT NULL ORDER BY position`,
  // The limited claim (see SqliteDialect.claimLimited).
  keyedReady: `SELECT 1 FROM durex_instances
    WHERE ${RUNNABLE} AND concurrency_key IS NOT NULL AND ready_at <= @now AND name IN (SELECT value FROM json_each(@names)) LIMIT 1`,
  runningByName: `SELECT name AS key, count(*) AS n FROM durex_instances
    WHERE status = 'STARTED' AND name IN (SELECT value FROM json_each(?)) GROUP BY name`,
  runningByKey: `SELECT concurrency_key AS key, count(*) AS n FROM durex_instances
    WHERE status = 'STARTED' AND concurrency_key IS NOT NULL GROUP BY concurrency_key`,
  pruneStarts: `DELETE FROM durex_rate_starts WHERE name = ? AND at <= ?`,
  recentStarts: `SELECT name, at FROM durex_rate_starts WHERE name IN (SELECT value FROM json_each(?))`,
  recordStart: `INSERT INTO durex_rate_starts (name, at) VALUES (?, ?)`,
  limitedCandidates: `SELECT id, name, concurrency_key FROM durex_instances
    WHERE ${RUNNABLE} AND ready_at <= ? AND name IN (SELECT value FROM json_each(?)) ORDER BY ${CLAIM_ORDER}`,
  claimIds: `UPDATE durex_instances SET status = 'STARTED', attempt = attempt + 1, started_at = @now, completed_at = NULL,
      lease_owner = @owner, lease_expires_at = @until
    WHERE id IN (SELECT value FROM json_each(@ids)) RETURNING ${COLUMNS}`,
  holdRate: `UPDATE durex_instances SET ready_at = @until WHERE name = @name AND ${RUNNABLE} AND ready_at < @until`,
} as const;

/**
 * A guarded update setting `columns` (taken from the patch column list, never from a caller) and
 * returning the row's name and new status, or nothing when the guard does not hold.
 */
export function sqliteTransitionSql(columns: readonly string[]): string {
  const set = columns.length ? columns.map((c) => `${c} = @${c}`).join(', ') : 'status = status';
  return `UPDATE durex_instances SET ${set}
    WHERE id = @guard_id AND status IN (SELECT value FROM json_each(@guard_statuses))
      AND (@guard_owner IS NULL OR lease_owner = @guard_owner)
      AND (@guard_expired_before IS NULL OR lease_expires_at < @guard_expired_before)
    RETURNING name, status`;
}

/**
 * The claim: one UPDATE … RETURNING over the candidates, run in an immediate transaction so two
 * processes on one file never take the same row. Per-name limits number each name's candidates.
 */
export function sqliteClaimSql(kind: ClaimKind, limited: boolean): string {
  const condition = kind === 'ready' ? `${RUNNABLE} AND ready_at <= @now` : `status = 'PENDING' AND deadline_at < @now`;
  const names = 'name IN (SELECT value FROM json_each(@names))';
  const picked = limited
    ? `SELECT c.id FROM (
        SELECT id, priority, ready_at, name, row_number() OVER (PARTITION BY name ORDER BY ${CLAIM_ORDER}) AS rn
        FROM durex_instances WHERE ${condition} AND ${names}
      ) c LEFT JOIN json_each(@limits) lim ON lim.key = c.name
      WHERE lim.key IS NULL OR c.rn <= lim.value
      ORDER BY c.priority DESC, c.ready_at, c.id LIMIT @limit`
    : `SELECT id FROM durex_instances WHERE ${condition} AND ${names} ORDER BY ${CLAIM_ORDER} LIMIT @limit`;
  return `UPDATE durex_instances SET status = 'STARTED', attempt = attempt + 1, started_at = @now, completed_at = NULL,
      lease_owner = @owner, lease_expires_at = @until
    WHERE id IN (${picked})
    RETURNING ${COLUMNS}`;
}
