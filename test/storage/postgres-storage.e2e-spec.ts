import { createTypeOrmStorage, DUREX_MIGRATIONS, DuplicateCommandError, Status, type DurexStorage, type StorageNotification } from 'nestjs-durex';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type NamedStatement, PostgresStatements } from '../../libs/durex/src/storage/typeorm/postgres.sql.js';
import { makeInstance } from '../support/instances.js';
import { dropSchema, openTestStorage, postgresSchemaFor, postgresUrl, type TestStorage } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

/** Runs `sql` on its own connection, as an operator would. */
async function admin<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL storage across processes', () => {
  let primary: TestStorage | undefined;
  const extra: DurexStorage[] = [];
  const schemas: string[] = [];

  afterEach(async () => {
    await Promise.all(extra.splice(0).map((storage) => storage.close()));
    await primary?.dispose();
    primary = undefined;
    await Promise.all(schemas.splice(0).map((schema) => dropSchema(postgresUrl(), schema)));
  });

  /** The test's migrated storage, plus `count` more on the same schema, each with its own DataSource (as separate processes have). */
  async function storages(count: number, options: { logger?: { warn(message: string): void } } = {}) {
    const testId = expect.getState().currentTestName ?? 'postgres';
    primary = await openTestStorage('postgres', testId);
    const schema = postgresSchemaFor(testId);
    const others = await Promise.all(
      Array.from({ length: count }, () => createTypeOrmStorage({ type: 'postgres', url: postgresUrl(), schema, poolSize: 2, ...options })),
    );
    extra.push(...others);
    return { schema, primary: primary.storage, others };
  }

  it('8 claimers on separate DataSources claim each of 2,000 rows exactly once', async () => {
    const { schema, primary, others: claimers } = await storages(8);
    const rows = Array.from({ length: 2000 }, (_, n) => makeInstance({ priority: n % 7, readyAt: new Date(Date.now() - 10_000 - n) }));
    await primary.insert(rows);
    const now = new Date();
    const claimedBy = new Map<string, string>();
    let twice = 0;
    await Promise.all(
      claimers.map(async (claimer, n) => {
        const owner = `worker-${n}`;
        for (;;) {
          const batch = await claimer.claim({ owner, limit: 7, leaseMs: 60_000, now, names: ['job'] });
          if (!batch.length) return;
          for (const instance of batch) {
            if (claimedBy.has(instance.id)) twice += 1;
            claimedBy.set(instance.id, owner);
          }
        }
      }),
    );
    expect(twice).toBe(0);
    expect(claimedBy.size).toBe(2000);
    expect(new Set(claimedBy.values()).size).toBeGreaterThan(1);

    const stored = await admin<{ id: string; status: string; attempt: number; lease_owner: string }>(
      `SELECT id, status, attempt, lease_owner FROM "${schema}".durex_instances`,
    );
    expect(stored).toHaveLength(2000);
    for (const row of stored) {
      expect(row).toEqual({ id: row.id, status: Status.STARTED, attempt: 1, lease_owner: claimedBy.get(row.id) });
    }
    const [events] = await admin<{ started: string }>(
      `SELECT count(*) FILTER (WHERE type = 'started') AS started FROM "${schema}".durex_events`,
    );
    expect(Number(events!.started)).toBe(2000);
  });

  it('50 concurrent inserts of one unique key from 2 DataSources create exactly one instance', async () => {
    const { primary, others } = await storages(1);
    const sides = [primary, others[0]!];
    const attempts = Array.from({ length: 50 }, () => makeInstance({ uniqueKey: 'race' }));
    const results = await Promise.allSettled(attempts.map((instance, n) => sides[n % 2]!.insert([instance])));
    const winners = attempts.filter((_, n) => results[n]!.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect(result.reason).toBeInstanceOf(DuplicateCommandError);
        expect(result.reason).toMatchObject({ uniqueKey: 'race', existingId: winners[0]!.id });
      }
    }
    expect(await primary.count()).toBe(1);
    expect((await primary.get(winners[0]!.id))!.uniqueKey).toBe('race');
  });

  it('wakes subscribers on every DataSource of the schema after commit, and on no other schema', async () => {
    const { primary, others } = await storages(1);
    const listener = others[0]!;
    const seen: StorageNotification[] = [];
    listener.subscribe!((notification) => seen.push(notification));
    const heard = (name: string) => seen.some((n) => n.type === 'ready' && n.names?.includes(name));

    const elsewhereSchema = postgresSchemaFor(`${expect.getState().currentTestName} elsewhere`);
    schemas.push(elsewhereSchema);
    const elsewhere = await createTypeOrmStorage({ type: 'postgres', url: postgresUrl(), schema: elsewhereSchema });
    extra.push(elsewhere);
    await elsewhere.migrate();
    await elsewhere.insert([makeInstance({ name: 'other-schema' })]);

    await expect(
      primary.transaction!(async (tx) => {
        await tx.insert([makeInstance({ name: 'rolled-back' })]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    const retried = makeInstance({ name: 'retried', status: Status.STARTED, leaseOwner: 'w', leaseExpiresAt: new Date() });
    await primary.insert([makeInstance({ name: 'inserted' }), retried]);
    await primary.transition([
      { id: retried.id, guard: { statuses: [Status.STARTED] }, patch: { status: Status.PENDING, leaseOwner: null }, events: [] },
    ]);
    await primary.notify!({ type: 'cancelled', ids: ['c1'] });
    await waitFor(() => seen.some((n) => n.type === 'cancelled'), { description: 'the cancellation' });

    expect(heard('inserted')).toBe(true);
    expect(heard('retried')).toBe(true);
    expect(heard('rolled-back')).toBe(false);
    expect(heard('other-schema')).toBe(false);
    expect(seen.find((n) => n.type === 'cancelled')).toEqual({ type: 'cancelled', ids: ['c1'] });
  });

  it('reconnects its LISTEN connection after the server drops it, logging once', async () => {
    const warnings: string[] = [];
    const { schema, primary, others } = await storages(1, { logger: { warn: (message) => warnings.push(message) } });
    const seen: StorageNotification[] = [];
    others[0]!.subscribe!((notification) => seen.push(notification));
    const listens = `LISTEN "durex_${schema}"`;

    const listeners = await admin<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'durex-listener' AND query = $1`,
      [listens],
    );
    expect(listeners).toHaveLength(2);
    await admin('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [listeners.map((row) => row.pid)]);
    await waitFor(() => seen.some((n) => n.type === 'ready' && n.names === undefined), { description: 'the wake-up after reconnecting' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/LISTEN connection was lost/);

    await primary.insert([makeInstance({ name: 'after-reconnect' })]);
    await waitFor(() => seen.some((n) => n.type === 'ready' && n.names?.includes('after-reconnect')), {
      description: 'a notification on the new connection',
    });
    expect(warnings).toHaveLength(1);
  });

  it('migrates a fresh schema from two processes at once, once', async () => {
    const schema = postgresSchemaFor(expect.getState().currentTestName ?? 'migrate');
    schemas.push(schema);
    await dropSchema(postgresUrl(), schema);
    const [a, b] = await Promise.all([1, 2].map(() => createTypeOrmStorage({ type: 'postgres', url: postgresUrl(), schema })));
    extra.push(a!, b!);
    await Promise.all([a!.migrate(), b!.migrate(), a!.migrate()]);
    const applied = await admin<{ name: string }>(`SELECT name FROM "${schema}".durex_migrations`);
    expect(applied.map((row) => row.name)).toEqual(DUREX_MIGRATIONS.map((M) => new M().name));
    const instance = makeInstance();
    await b!.insert([instance]);
    expect((await a!.get(instance.id))!.id).toBe(instance.id);
  });
});

/*
 * The claim statements are the storage's own (PostgresStatements builds them), so the plans below
 * are those of the SQL that runs. Each picks ready rows in claim order through the partial index
 * made for it, rather than sorting every ready row.
 */
describe('PostgreSQL claim plans', () => {
  let opened: TestStorage | undefined;

  afterEach(async () => {
    await opened?.dispose();
    opened = undefined;
  });

  const names = ['job-0', 'job-1'];
  /** Each statement and its parameters ($1 names, $2 limit, $3 now, $4 owner, $5 lease expiry, then its own). */
  const claims: [string, (statements: PostgresStatements, now: Date) => [NamedStatement, unknown[]]][] = [
    ['the plain claim', (statements, now) => [statements.claim('ready', false, 'all'), [names, 10, now, 'planner', now]]],
    [
      'the claim that leaves keyed instances out and probes for them',
      (statements, now) => [statements.claim('ready', false, 'probe'), [names, 10, now, 'planner', now]],
    ],
    ['the claim with per-name caps', (statements, now) => [statements.claim('ready', true, 'unkeyed'), [names, 10, now, 'planner', now, ['job-1'], [2]]]],
    // The pick of a claim within cluster-wide limits: $1 names, $2 now, $3 full keys, $4 page size, $5 offset.
    ['the candidates of a claim within cluster-wide limits', (statements, now) => [statements.limitCandidates, [names, now, ['full'], 100, 0]]],
  ];

  it.each(claims)('%s uses durex_instances_claim_idx', async (_, build) => {
    const testId = expect.getState().currentTestName ?? 'claim plan';
    opened = await openTestStorage('postgres', testId);
    const schema = postgresSchemaFor(testId);
    const now = Date.now();
    // Mostly finished rows, as a queue that has run for a while has, and a backlog of ready ones.
    await opened.storage.insert(
      Array.from({ length: 4_000 }, (_, n) =>
        makeInstance({
          name: `job-${n % 4}`,
          status: n % 4 === 0 ? Status.PENDING : Status.COMPLETED,
          priority: n % 3,
          readyAt: new Date(now - n * 1_000),
          completedAt: n % 4 === 0 ? null : new Date(now - n * 1_000),
        }),
      ),
    );
    await admin(`ANALYZE "${schema}".durex_instances`);

    const [statement, values] = build(new PostgresStatements(schema), new Date(now));
    const plan = (await admin<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.text}`, values)).map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index Scan using durex_instances_claim_idx/);
    expect(plan).not.toMatch(/Seq Scan on durex_instances/);
  });
});
