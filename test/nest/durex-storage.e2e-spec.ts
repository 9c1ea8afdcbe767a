import {
  Command,
  type CommandHandler,
  DUREX_ENTITIES,
  DUREX_STORAGE,
  DurexInstanceEntity,
  DurexModule,
  type DurexStorage,
  Status,
  StorageClosedError,
} from 'nestjs-durex';
import { DataSource } from 'typeorm';
import { createDurexApp, initDurexApp, waitForStatus } from '../fixtures/durex-app.js';
import { openTestDatabase, type TestDatabase } from '../support/storages.js';

@Command('archive')
class ArchiveCommand implements CommandHandler {
  execute(): void {}
}

describe.each(['sqlite', 'postgres'] as const)('DurexModule storages on %s', (kind) => {
  let database: TestDatabase;
  const dataSources: DataSource[] = [];

  beforeEach(async () => {
    database = await openTestDatabase(kind, expect.getState().currentTestName ?? 'module storages');
  });

  afterEach(async () => {
    await Promise.all(dataSources.splice(0).map((ds) => (ds.isInitialized ? ds.destroy() : undefined)));
    await database.dispose();
  });

  /** An application's own DataSource on the test's database. */
  async function openDataSource(): Promise<DataSource> {
    const dataSource = new DataSource({ ...database.dataSource, entities: [...DUREX_ENTITIES] });
    dataSources.push(dataSource);
    return dataSource.initialize();
  }

  it(`{ type: '${kind}' } opens and migrates its database, runs commands on it, and closes it at shutdown`, async () => {
    const { app, client } = await createDurexApp([ArchiveCommand], { storage: database.storage });
    const storage = app.get<DurexStorage>(DUREX_STORAGE);
    const added = await client.add({ name: 'archive', data: { file: 'a.txt' } });
    const done = await waitForStatus(client, added.id, Status.COMPLETED);
    expect(done.history.map((e) => e.type)).toEqual(['created', 'started', 'completed']);

    await app.close();
    await expect(storage.count()).rejects.toThrow(StorageClosedError);
    // The row is where the options said: the file, or the schema (not `public`).
    const reader = await openDataSource();
    expect(await reader.getRepository(DurexInstanceEntity).findBy({ name: 'archive' })).toEqual([
      expect.objectContaining({ id: added.id, status: Status.COMPLETED, data: { file: 'a.txt' } }),
    ]);
  });

  it("{ type: 'typeorm' } enqueues inside the caller transaction through opts.manager, and never destroys the DataSource", async () => {
    const dataSource = await openDataSource();
    const { app, client } = await initDurexApp(
      DurexModule.forRootAsync({
        inject: [DataSource],
        useFactory: (ds: DataSource) => ({ storage: { type: 'typeorm' as const, dataSource: ds } }),
        extraProviders: [{ provide: DataSource, useValue: dataSource }],
      }),
      [ArchiveCommand],
    );

    const committed = await dataSource.transaction((manager) => client.add({ name: 'archive', data: { n: 1 } }, { manager }));
    const thrown = dataSource.transaction(async (manager) => {
      await client.add({ name: 'archive', data: { n: 2 } }, { manager });
      throw new Error('the caller rolls back');
    });
    await expect(thrown).rejects.toThrow('the caller rolls back');
    // An explicit rollback, on a query runner the caller drives.
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      const inside = await client.add({ name: 'archive', data: { n: 3 } }, { manager: runner.manager });
      expect(await runner.manager.getRepository(DurexInstanceEntity).countBy({ id: inside.id })).toBe(1);
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }

    await waitForStatus(client, committed.id, Status.COMPLETED);
    expect((await client.find({ name: 'archive' })).map((i) => i.data)).toEqual([{ n: 1 }]);

    await app.close();
    expect(dataSource.isInitialized).toBe(true);
    expect(await dataSource.getRepository(DurexInstanceEntity).count()).toBe(1);
  });
});
