import { createHash } from 'node:crypto';
import type { ClaimKind } from './dialect.interface.js';
import { EVENT_COLUMNS, PATCH_COLUMNS, instanceColumnList } from './instance-row.js';

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

  readonly insert: NamedStatement;
  readonly get: NamedStatement;
  readonly history: NamedStatement;
  readonly transition: NamedStatement;
  readonly delete: NamedStatement;
  readonly cleanup: NamedStatement;
  readonly renewLeases: NamedStatement;
  readonly findExpiredLeases: NamedStatement;
  readonly nextWakeAt: NamedStatement;
  readonly holderOf: NamedStatement;
  readonly notify: NamedStatement;
  private readonly claims = new Map<string, NamedStatement>();

  constructor(readonly schema: string) {
    this.instances = `${quoteIdent(schema)}.durex_instances`;
    this.events = `${quoteIdent(schema)}.durex_events`;
    const I = this.instances;
    const E = this.events;
    const columns = instanceColumnList();

    // $1 instance rows, $2 their history, $3 channel, $4 notification payload or null.
    this.insert = named(`WITH ins AS (
  INSERT INTO ${I} (${columns})
  SELECT ${columns} FROM jsonb_populate_recordset(NULL::${I}, $1::jsonb)
  RETURNING id
), ev AS (
  INSERT INTO ${E} (${EVENT_LIST})
  SELECT ${EVENT_LIST} FROM jsonb_populate_recordset(NULL::${E}, $2::jsonb) WITH ORDINALITY
  ORDER BY ordinality
)
SELECT count(*)::int AS inserted,
  (SELECT count(*) FROM (SELECT pg_notify($3, $4) WHERE $4::text IS NOT NULL) n)::int AS notified
FROM ins`);

    this.get = named(`SELECT ${columns} FROM ${I} WHERE id = $1`);
    this.history = named(`SELECT ${EVENT_LIST} FROM ${E} WHERE instance_id = $1 ORDER BY id`);

    // $1 the batch: [{ id, statuses, owner, expired_before, patch, events, children, child_events }],
    // $2 channel. Each transition is guarded on its own: one whose guard fails changes nothing,
    // and the others still apply.
    const patchList = PATCH_COLUMNS.join(', ');
    const patchValues = PATCH_COLUMNS.map((c) => `p.${c}`).join(', ');
    this.transition = named(`WITH t AS (
  SELECT j.ordinality::int AS ord, x.*
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j,
    jsonb_to_record(j.value) AS x(id text, statuses text[], owner text, expired_before timestamptz,
      patch jsonb, events jsonb, children jsonb, child_events jsonb)
), upd AS (
  UPDATE ${I} AS i SET (${patchList}) = (SELECT ${patchValues} FROM jsonb_populate_record(i, t.patch) AS p)
  FROM t
  WHERE i.id = t.id AND i.status = ANY(t.statuses)
    AND (t.owner IS NULL OR i.lease_owner = t.owner)
    AND (t.expired_before IS NULL OR i.lease_expires_at < t.expired_before)
  RETURNING t.ord, i.name, i.status
), ev AS (
  INSERT INTO ${E} (${EVENT_LIST})
  SELECT ${EVENT_COLUMNS.map((c) => `e.${c}`).join(', ')}
  FROM upd JOIN t ON t.ord = upd.ord
    CROSS JOIN LATERAL jsonb_populate_recordset(NULL::${E}, t.events) WITH ORDINALITY AS e
  ORDER BY t.ord, e.ordinality
), kids AS (
  INSERT INTO ${I} (${columns})
  SELECT ${instanceColumnList('c')}
  FROM upd JOIN t ON t.ord = upd.ord
    CROSS JOIN LATERAL jsonb_populate_recordset(NULL::${I}, t.children) WITH ORDINALITY AS c
  ORDER BY t.ord, c.ordinality
  ON CONFLICT (unique_key) WHERE ${ACTIVE_KEY} DO NOTHING
  RETURNING id, name, status
), kid_ev AS (
  INSERT INTO ${E} (${EVENT_LIST})
  SELECT ${EVENT_COLUMNS.map((c) => `e.${c}`).join(', ')}
  FROM upd JOIN t ON t.ord = upd.ord
    CROSS JOIN LATERAL jsonb_populate_recordset(NULL::${E}, t.child_events) WITH ORDINALITY AS e
  WHERE e.instance_id IN (SELECT id FROM kids)
  ORDER BY t.ord, e.ordinality
), note AS (
  SELECT pg_notify($2, CASE WHEN length(n.payload) <= ${NOTIFY_LIMIT} THEN n.payload ELSE '{"type":"ready"}' END)
  FROM (
    SELECT json_build_object('type', 'ready', 'names', array_agg(DISTINCT r.name))::text AS payload
    FROM (SELECT name, status FROM upd UNION ALL SELECT name, status FROM kids) r
    WHERE r.${RUNNABLE}
    HAVING count(*) > 0
  ) n
)
SELECT ARRAY(SELECT ord FROM upd) AS applied, ARRAY(SELECT id FROM kids) AS created,
  (SELECT count(*) FROM note)::int AS notified`);

    this.delete = named(`DELETE FROM ${I} WHERE id = ANY($1::text[])`);
    // SKIP LOCKED: two processes cleaning at once take different rows instead of waiting.
    this.cleanup = named(`DELETE FROM ${I} WHERE id IN (
  SELECT id FROM ${I} WHERE ${CLEANABLE} AND completed_at < $1
  ORDER BY completed_at LIMIT $2 FOR UPDATE SKIP LOCKED)`);
    this.renewLeases = named(`UPDATE ${I} SET lease_expires_at = $3
WHERE id = ANY($2::text[]) AND status = 'STARTED' AND lease_owner = $1
RETURNING id`);
    this.findExpiredLeases = named(`SELECT ${columns} FROM ${I}
WHERE status = 'STARTED' AND lease_expires_at < $1
ORDER BY lease_expires_at, id LIMIT $2`);
    // One index probe per name on (name, ready_at) instead of a scan of every waiting row.
    this.nextWakeAt = named(`SELECT LEAST(
  (SELECT min(w.ready_at) FROM unnest($1::text[]) AS n(name)
    CROSS JOIN LATERAL (SELECT ready_at FROM ${I} WHERE ${RUNNABLE} AND name = n.name ORDER BY ready_at LIMIT 1) w),
  (SELECT min(deadline_at) FROM ${I} WHERE status = 'PENDING' AND deadline_at IS NOT NULL AND name = ANY($1::text[]))
    + interval '1 millisecond') AS at`);
    this.holderOf = named(`SELECT id FROM ${I} WHERE unique_key = $1 AND ${ACTIVE_KEY} LIMIT 1`);
    this.notify = named(`SELECT pg_notify($1, $2)`);
  }

  /**
   * The claim: one statement that picks with FOR UPDATE SKIP LOCKED, moves the rows to STARTED
   * under a lease and appends their `started` events. With per-name limits, each limited name is
   * picked by its own LIMIT (an index scan each) and the others by one shared LIMIT, instead of
   * numbering every ready row with a window function.
   */
  claim(kind: ClaimKind, limited: boolean): NamedStatement {
    const key = `${kind}:${limited}`;
    let statement = this.claims.get(key);
    if (!statement) {
      statement = named(this.claimText(kind, limited));
      this.claims.set(key, statement);
    }
    return statement;
  }

  // $1 names, $2 limit, $3 now, $4 owner, $5 lease expiry; limited: $6 limited names, $7 their caps.
  private claimText(kind: ClaimKind, limited: boolean): string {
    const I = this.instances;
    const condition =
      kind === 'ready' ? `${RUNNABLE} AND ready_at <= $3` : `status = 'PENDING' AND deadline_at < $3`;
    const pick = (filter: string, limit: string) =>
      `SELECT id, priority, ready_at FROM ${I} WHERE ${condition} AND ${filter}
    ORDER BY ${CLAIM_ORDER} LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    const picked = limited
      ? `SELECT id, priority, ready_at FROM (
    SELECT c.id, c.priority, c.ready_at FROM unnest($6::text[], $7::int[]) AS lim(name, cap)
      CROSS JOIN LATERAL (${pick('name = lim.name', 'LEAST(lim.cap, $2)')}) c
  ) limited
  UNION ALL
  SELECT id, priority, ready_at FROM (${pick('name = ANY($1::text[]) AND name <> ALL($6::text[])', '$2')}) unlimited
  ORDER BY ${CLAIM_ORDER} LIMIT $2`
      : pick('name = ANY($1::text[])', '$2');
    return `WITH picked AS (
  ${picked}
), claimed AS (
  UPDATE ${I} AS i SET status = 'STARTED', attempt = i.attempt + 1, started_at = $3, completed_at = NULL,
    lease_owner = $4, lease_expires_at = $5
  FROM picked WHERE i.id = picked.id
  RETURNING ${instanceColumnList('i')}
), started AS (
  INSERT INTO ${this.events} (instance_id, type, at, attempt)
  SELECT id, 'started', $3, attempt FROM claimed
)
SELECT * FROM claimed ORDER BY ${CLAIM_ORDER}`;
  }
}
