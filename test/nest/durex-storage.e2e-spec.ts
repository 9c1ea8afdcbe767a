import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, type CommandHandler, DUREX_ENTITIES, DUREX_STORAGE, DurexModule, type DurexStorage, Status, StorageClosedError } from 'nestjs-durex';
import { DataSource } from 'typeorm';
import { createDurexApp, initDurexApp, waitForStatus } from '../fixtures/durex-app.js';

@Command('archive')
class ArchiveCommand implements CommandHandler {
  execute(): void {}
}

describe('DurexModule storages', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'durex-nest-'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("{ type: 'sqlite' } opens and migrates a database file, runs commands on it, and closes it at shutdown", async () => {
    const { app, client } = await createDurexApp([ArchiveCommand], { storage: { type: 'sqlite', database: join(dir, 'durex.db') } });
    const storage = app.get<DurexStorage>(DUREX_STORAGE);
    const added = await client.add({ name: 'archive', data: { file: 'a.txt' } });
    const done = await waitForStatus(client, added.id, Status.COMPLETED);
    expect(done.history.map((e) => e.type)).toEqual(['created', 'started', 'completed']);

    await app.close();
    await expect(storage.count()).rejects.toThrow(StorageClosedError);
  });

  describe("{ type: 'typeorm' } on the application's own DataSource", () => {
    let dataSource: DataSource;

    beforeEach(async () => {
      dataSource = new DataSource({ type: 'better-sqlite3', database: join(dir, 'app.db'), entities: [...DUREX_ENTITIES] });
      await dataSource.initialize();
    });

    afterEach(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    });

    it('enqueues inside the caller transaction through opts.manager, and never destroys the DataSource', async () => {
      const { app, client } = await initDurexApp(
        DurexModule.forRootAsync({
          inject: [DataSource],
          useFactory: (ds: DataSource) => ({ storage: { type: 'typeorm' as const, dataSource: ds } }),
          extraProviders: [{ provide: DataSource, useValue: dataSource }],
        }),
        [ArchiveCommand],
      );

      const committed = await dataSource.transaction((manager) => client.add({ name: 'archive', data: { n: 1 } }, { manager }));
      const rolledBack = dataSource.transaction(async (manager) => {
        await client.add({ name: 'archive', data: { n: 2 } }, { manager });
        throw new Error('the caller rolls back');
      });
      await expect(rolledBack).rejects.toThrow('the caller rolls back');

      await waitForStatus(client, committed.id, Status.COMPLETED);
      expect((await client.find({ name: 'archive' })).map((i) => i.data)).toEqual([{ n: 1 }]);

      await app.close();
      expect(dataSource.isInitialized).toBe(true);
      expect(await dataSource.query('SELECT count(*) AS n FROM durex_instances')).toEqual([{ n: 1 }]);
    });
  });
});
