import {
  createTypeOrmStorage,
  DUREX_ENTITIES,
  DUREX_MIGRATIONS,
  DurexInstanceEntity,
  DurexInstanceEventEntity,
  EventType,
  InvalidOptionsError,
  Status,
} from 'nestjs-durex';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeInstance } from '../support/instances.js';
import { openTestDatabase } from '../support/storages.js';

const createdAt = new Date('2026-02-03T04:05:06.789Z');

function instance() {
  return makeInstance({
    id: 'app-1',
    name: 'report',
    data: { user: { id: 7, tags: ['a'] } },
    retries: 1,
    maxRetries: 2,
    sequence: ['then'],
    priority: 4,
    tags: ['billing', 'eu'],
    uniqueKey: 'report:7',
    traceId: 'trace',
    correlationId: 'app-1',
    createdAt,
    readyAt: createdAt,
    timeout: 5_000,
    metadata: { origin: 'api' },
  });
}

describe.each(['sqlite', 'postgres'] as const)("the application's own DataSource on %s", (kind) => {
  let options: DataSourceOptions;
  let dispose: () => Promise<void>;
  const opened: DataSource[] = [];

  beforeEach(async () => {
    ({ dataSource: options, dispose } = await openTestDatabase(kind, expect.getState().currentTestName ?? 'datasource'));
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((ds) => (ds.isInitialized ? ds.destroy() : undefined)));
    await dispose();
  });

  async function dataSource(extra: Partial<DataSourceOptions> = {}, initialize = true): Promise<DataSource> {
    const ds = new DataSource({ ...options, entities: [...DUREX_ENTITIES], ...extra } as DataSourceOptions);
    opened.push(ds);
    if (initialize) await ds.initialize();
    return ds;
  }

  it('runs durex on it, maps durex rows to the entities, and leaves it open on close', async () => {
    const ds = await dataSource();
    const storage = await createTypeOrmStorage({ type: 'typeorm', dataSource: ds });
    await storage.migrate();
    const original = instance();
    await storage.insert([original]);
    const now = new Date('2026-02-03T05:00:00.000Z');
    await storage.claim({ owner: 'app-worker', limit: 1, leaseMs: 1_000, now, names: ['report'] });

    const row = await ds.getRepository(DurexInstanceEntity).findOneByOrFail({ id: original.id });
    expect(row).toEqual({
      ...original.state(),
      status: Status.STARTED,
      attempt: 1,
      startedAt: now,
      leaseOwner: 'app-worker',
      leaseExpiresAt: new Date(now.getTime() + 1_000),
      timeout: undefined,
      period: undefined,
      timeoutMs: 5_000,
      periodMs: 0,
    });
    const events = await ds.getRepository(DurexInstanceEventEntity).find({ where: { instanceId: original.id }, order: { id: 'ASC' } });
    expect(events.map(({ type, at, attempt }) => ({ type, at, attempt }))).toEqual([
      { type: EventType.CREATED, at: createdAt, attempt: null },
      { type: EventType.STARTED, at: now, attempt: 1 },
    ]);

    await storage.close();
    expect(ds.isInitialized).toBe(true);
    expect(await ds.getRepository(DurexInstanceEntity).count()).toBe(1);
  });

  it("creates durex's tables with TypeORM's own migration runner, idempotently", async () => {
    const ds = await dataSource({ migrations: [...DUREX_MIGRATIONS] });
    // TypeORM keeps its migrations table in the DataSource's schema, so that schema must exist first.
    if (kind === 'postgres') await ds.query(`CREATE SCHEMA IF NOT EXISTS "${(ds.options as { schema: string }).schema}"`);
    expect((await ds.runMigrations()).map((m) => m.name)).toEqual(DUREX_MIGRATIONS.map((M) => new M().name));
    const storage = await createTypeOrmStorage({ type: 'typeorm', dataSource: ds });
    await storage.migrate();
    await storage.insert([instance()]);
    expect((await storage.get('app-1'))!.tags).toEqual(['billing', 'eu']);
    await storage.close();
  });

  it('refuses a DataSource that is not initialized or lacks the durex entities', async () => {
    const uninitialized = await dataSource({}, false);
    await expect(createTypeOrmStorage({ type: 'typeorm', dataSource: uninitialized })).rejects.toBeInstanceOf(InvalidOptionsError);
    const bare = await dataSource({ entities: [] });
    await expect(createTypeOrmStorage({ type: 'typeorm', dataSource: bare })).rejects.toThrow(/DUREX_ENTITIES/);
    expect(bare.isInitialized).toBe(true);
  });
});
