import { Command, type CommandContext, type CommandHandler, type Instance, Status } from 'nestjs-durex';
import { createDurexApp, waitForStatus } from '../fixtures/durex-app.js';
import { Gate } from '../fixtures/gate.js';
import { openTestStorage, STORAGE_KINDS, type TestStorage } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

/** Whatever the in-flight handler of the current test observed. */
let inFlight: { gate: Gate; signal?: AbortSignal; finished: boolean };

@Command('slowReport')
class SlowReportCommand implements CommandHandler {
  async execute(_cmd: Instance, ctx: CommandContext): Promise<void> {
    inFlight.signal = ctx.signal;
    // Waits for the test, or for the shutdown grace period to end; whichever comes first.
    await Promise.race([inFlight.gate.opened, new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))]);
    ctx.signal.throwIfAborted();
    inFlight.finished = true;
  }
}

describe.each(STORAGE_KINDS)('graceful shutdown on %s', (kind) => {
  // A storage object durex does not own stays open after close(), so its state can be read.
  let opened: TestStorage;

  beforeEach(async () => {
    inFlight = { gate: new Gate(), finished: false };
    opened = await openTestStorage(kind, expect.getState().currentTestName ?? 'graceful shutdown');
  });

  afterEach(() => opened.dispose());

  it('app.close() lets an in-flight command finish within gracefulShutdown, and leaves nothing STARTED', async () => {
    const { storage } = opened;
    const { app, client, executor } = await createDurexApp([SlowReportCommand], { storage, gracefulShutdown: 10_000 });
    const added = await client.add({ name: 'slowReport' });
    await waitForStatus(client, added.id, Status.STARTED);

    const closing = app.close();
    // Stopping has begun (no more claims) while the handler still runs; now let it finish.
    await waitFor(() => !executor.isRunning());
    expect(inFlight.finished).toBe(false);
    inFlight.gate.open();
    await closing;

    expect(inFlight.finished).toBe(true);
    expect(inFlight.signal?.aborted).toBe(false);
    expect((await storage.get(added.id))?.status).toBe(Status.COMPLETED);
    expect(await storage.count({ status: Status.STARTED })).toBe(0);
  });

  it('past a tiny gracefulShutdown the handler is aborted through ctx.signal and handed back as PENDING', async () => {
    const { storage } = opened;
    const { app, client } = await createDurexApp([SlowReportCommand], { storage, gracefulShutdown: 20 });
    const added = await client.add({ name: 'slowReport', retries: 0 });
    await waitForStatus(client, added.id, Status.STARTED);

    await app.close();

    expect(inFlight.signal?.aborted).toBe(true);
    expect(inFlight.signal?.reason).toMatchObject({ name: 'CommandAbortedError', why: 'shutdown' });
    expect(inFlight.finished).toBe(false);
    const handedBack = await storage.get(added.id);
    expect(handedBack).toMatchObject({ status: Status.PENDING, attempt: 0, retries: 0, leaseOwner: null });
    const history = await storage.history(added.id);
    expect(history.at(-1)).toMatchObject({ type: 'retrying', message: 'handed back unfinished: the executor shut down' });
    expect(await storage.count({ status: Status.STARTED })).toBe(0);
  });
});
