import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent } from '../postgres.sql.js';
import { migrationTarget, runStatements } from './migration-target.js';

const STATUSES = `'PENDING', 'STARTED', 'COMPLETED', 'FAILED', 'EXPIRED', 'REPEATING', 'CANCELLED', 'DEAD_LETTER'`;

/**
 * Indexes shared by both databases. Each predicate is spelled exactly as the queries spell it, so
 * both planners match the partial indexes (and ON CONFLICT infers the unique one).
 */
function indexes(instances: string, events: string): string[] {
  return [
    // The claim: ready work in claim order.
    `CREATE INDEX IF NOT EXISTS durex_instances_claim_idx ON ${instances} (priority DESC, ready_at, id)
      WHERE status IN ('PENDING', 'REPEATING')`,
    // nextWakeAt: the earliest ready_at of each name.
    `CREATE INDEX IF NOT EXISTS durex_instances_wake_idx ON ${instances} (name, ready_at)
      WHERE status IN ('PENDING', 'REPEATING')`,
    // Overdue claims and the deadline part of nextWakeAt.
    `CREATE INDEX IF NOT EXISTS durex_instances_deadline_idx ON ${instances} (deadline_at)
      WHERE status = 'PENDING' AND deadline_at IS NOT NULL`,
    // At most one active instance per unique key, enforced by the database.
    `CREATE UNIQUE INDEX IF NOT EXISTS durex_instances_unique_key_idx ON ${instances} (unique_key)
      WHERE status IN ('PENDING', 'STARTED', 'REPEATING') AND unique_key IS NOT NULL`,
    // Stuck recovery: expired leases of running instances.
    `CREATE INDEX IF NOT EXISTS durex_instances_lease_idx ON ${instances} (lease_expires_at) WHERE status = 'STARTED'`,
    `CREATE INDEX IF NOT EXISTS durex_instances_parent_idx ON ${instances} (parent_id) WHERE parent_id IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS durex_instances_correlation_idx ON ${instances} (correlation_id) WHERE correlation_id IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS durex_instances_created_idx ON ${instances} (created_at)`,
    // Cleanup: finished rows by age; the dead letter queue is not cleaned, so it is not indexed here.
    `CREATE INDEX IF NOT EXISTS durex_instances_cleanup_idx ON ${instances} (completed_at)
      WHERE status IN ('COMPLETED', 'FAILED', 'EXPIRED', 'CANCELLED')`,
    `CREATE INDEX IF NOT EXISTS durex_events_instance_idx ON ${events} (instance_id, id)`,
  ];
}

function postgresUp(schema: string): string[] {
  const instances = `${schema}.durex_instances`;
  const events = `${schema}.durex_events`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    // Ids compare byte-wise (COLLATE "C"), as they do in JavaScript, and their prefix searches
    // use the primary key. Autovacuum is aggressive: every job is inserted, updated 2-3 times and
    // deleted, so dead rows pile up in a small, hot table.
    `CREATE TABLE IF NOT EXISTS ${instances} (
      id varchar(128) COLLATE "C" NOT NULL,
      name varchar(200) NOT NULL,
      data jsonb,
      status varchar(16) NOT NULL,
      retries integer NOT NULL DEFAULT 0,
      max_retries integer NOT NULL DEFAULT 0,
      attempt integer NOT NULL DEFAULT 0,
      sequence text[] NOT NULL DEFAULT '{}',
      parent_id varchar(128) COLLATE "C",
      priority integer NOT NULL DEFAULT 0,
      tags text[] NOT NULL DEFAULT '{}',
      unique_key text,
      trace_id text,
      correlation_id text,
      created_at timestamptz NOT NULL,
      ready_at timestamptz NOT NULL,
      started_at timestamptz,
      completed_at timestamptz,
      deadline_at timestamptz,
      timeout_ms bigint NOT NULL DEFAULT 0,
      period_ms bigint NOT NULL DEFAULT 0,
      error text,
      metadata jsonb,
      lease_owner text,
      lease_expires_at timestamptz,
      CONSTRAINT durex_instances_pkey PRIMARY KEY (id),
      CONSTRAINT durex_instances_status_check CHECK (status IN (${STATUSES}))
    ) WITH (
      fillfactor = 90,
      autovacuum_vacuum_scale_factor = 0.01,
      autovacuum_vacuum_threshold = 200,
      autovacuum_analyze_scale_factor = 0.02,
      autovacuum_analyze_threshold = 200,
      autovacuum_vacuum_cost_limit = 2000
    )`,
    // History is append-only: rows are inserted and, with their instance, deleted in batches.
    `CREATE TABLE IF NOT EXISTS ${events} (
      id bigint GENERATED ALWAYS AS IDENTITY,
      instance_id varchar(128) COLLATE "C" NOT NULL,
      type varchar(16) NOT NULL,
      at timestamptz NOT NULL,
      attempt integer,
      error text,
      duration_ms double precision,
      message text,
      CONSTRAINT durex_events_pkey PRIMARY KEY (id),
      CONSTRAINT durex_events_instance_fkey FOREIGN KEY (instance_id)
        REFERENCES ${instances} (id) ON DELETE CASCADE
    ) WITH (
      autovacuum_vacuum_scale_factor = 0.05,
      autovacuum_vacuum_insert_scale_factor = 0.1,
      autovacuum_analyze_scale_factor = 0.05
    )`,
    ...indexes(instances, events),
    `CREATE INDEX IF NOT EXISTS durex_instances_tags_idx ON ${instances} USING gin (tags)`,
  ];
}

// Times are INTEGER milliseconds since the epoch (STRICT tables refuse anything else), so they
// compare as numbers; JSON is TEXT.
const SQLITE_UP = [
  `CREATE TABLE IF NOT EXISTS durex_instances (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    data TEXT,
    status TEXT NOT NULL CHECK (status IN (${STATUSES})),
    retries INTEGER NOT NULL DEFAULT 0,
    max_retries INTEGER NOT NULL DEFAULT 0,
    attempt INTEGER NOT NULL DEFAULT 0,
    sequence TEXT NOT NULL DEFAULT '[]',
    parent_id TEXT,
    priority INTEGER NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '[]',
    unique_key TEXT,
    trace_id TEXT,
    correlation_id TEXT,
    created_at INTEGER NOT NULL,
    ready_at INTEGER NOT NULL,
    started_at INTEGER,
    completed_at INTEGER,
    deadline_at INTEGER,
    timeout_ms INTEGER NOT NULL DEFAULT 0,
    period_ms INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    metadata TEXT,
    lease_owner TEXT,
    lease_expires_at INTEGER
  ) STRICT`,
  `CREATE TABLE IF NOT EXISTS durex_events (
    id INTEGER PRIMARY KEY,
    instance_id TEXT NOT NULL REFERENCES durex_instances (id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    at INTEGER NOT NULL,
    attempt INTEGER,
    error TEXT,
    duration_ms REAL,
    message TEXT
  ) STRICT`,
  ...indexes('durex_instances', 'durex_events'),
];

/**
 * Creates durex's tables and indexes. Written to be idempotent (IF NOT EXISTS throughout), so it is
 * safe both in `storage.migrate()` and in an application's own migration list.
 *
 * @publicApi
 */
export class DurexInit1795824000000 implements MigrationInterface {
  readonly name = 'DurexInit1795824000000';

  /** @param schema the PostgreSQL schema; defaults to the DataSource's. */
  constructor(private readonly schema?: string) {}

  async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, this.schema, { postgres: postgresUp, sqlite: SQLITE_UP });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const target = migrationTarget(queryRunner, this.schema);
    const prefix = target.kind === 'postgres' ? `${quoteIdent(target.schema)}.` : '';
    await queryRunner.query(`DROP TABLE IF EXISTS ${prefix}durex_events`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${prefix}durex_instances`);
  }
}
