import { Command, type CommandContext, type CommandHandler, InvalidStateError, MemoryStorage, Status } from 'nestjs-durex';
import { createDurexApp, type DurexTestApp, waitForStatus } from '../fixtures/durex-app.js';
import { STORAGE_KINDS } from '../support/storages.js';

@Command('alwaysFails')
class AlwaysFailsCommand implements CommandHandler {
  execute(): void {
    throw new Error('downstream is down');
  }
}

@Command('waitsForCancel')
class WaitsForCancelCommand implements CommandHandler {
  async execute(_cmd: unknown, ctx: CommandContext): Promise<void> {
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
  }
}

describe.each(STORAGE_KINDS)('DurexClient on %s', (kind) => {
  let running: DurexTestApp;

  beforeEach(async () => {
    running = await createDurexApp([AlwaysFailsCommand, WaitsForCancelCommand], { storage: kind, deadLetterQueue: true, commands: ['later'] });
  });

  afterEach(() => running.app.close());

  it('finds, replays and purges the dead letter queue', async () => {
    const { client } = running;
    const failed = await client.add({ name: 'alwaysFails', retries: 1 });
    await waitForStatus(client, failed.id, Status.DEAD_LETTER);
    expect((await client.findDeadLettered()).map((i) => i.id)).toEqual([failed.id]);

    await client.replayFromDLQ(failed.id);
    const replayed = await waitForStatus(client, failed.id, Status.DEAD_LETTER);
    expect(replayed.attempt).toBe(4);
    await expect(client.replayFromDLQ((await client.add({ name: 'later' })).id)).rejects.toThrow(InvalidStateError);

    expect(await client.purgeDLQ(0)).toBe(1);
    expect(await client.findDeadLettered()).toEqual([]);
  });

  it('cancels one instance (aborting it while it runs) and cancels by tag', async () => {
    const { client } = running;
    const runningOne = await client.add({ name: 'waitsForCancel' });
    await waitForStatus(client, runningOne.id, Status.STARTED);
    await client.cancel(runningOne.id);
    expect((await client.get(runningOne.id)).status).toBe(Status.CANCELLED);

    const tagged = await client.addMany([
      { name: 'later', tags: ['batch-7'], delay: 60_000 },
      { name: 'later', tags: ['batch-7'], delay: 60_000 },
      { name: 'later', tags: ['batch-8'], delay: 60_000 },
    ]);
    expect(await client.cancelByTag('batch-7')).toBe(2);
    expect(await client.count({ status: Status.CANCELLED })).toBe(3);
    expect((await client.get(tagged[2]!.id)).status).toBe(Status.PENDING);

    const stats = await client.stats();
    expect(stats).toMatchObject({ cancelled: 3, pending: 1, registeredCommands: 2 });
    expect(stats.byName).toMatchObject({ later: 3, waitsForCancel: 1 });
  });
});

/*
 * Memory only: the stand-in manager is not a real EntityManager, which only MemoryStorage leaves
 * alone. A real one on SQLite and PostgreSQL is test/nest/durex-storage.e2e-spec.ts's business.
 */
describe('DurexClient opts.manager', () => {
  let running: DurexTestApp;
  let storage: MemoryStorage;

  beforeEach(async () => {
    storage = new MemoryStorage();
    running = await createDurexApp([], { storage, commands: ['later'] });
  });

  afterEach(() => running.app.close());

  it('passes opts.manager to storage as the transaction of the insert', async () => {
    const { client } = running;
    const insert = vi.spyOn(storage, 'insert');
    const manager = { name: 'an EntityManager' };

    const [added] = await client.addMany([{ name: 'later' }], { manager });
    expect(insert).toHaveBeenLastCalledWith([expect.objectContaining({ id: added!.id })], { transaction: manager });
    await client.add({ name: 'later' });
    expect(insert).toHaveBeenLastCalledWith([expect.anything()], {});
    expect(await client.count({ name: 'later' })).toBe(2);
  });
});
