import { createTypeOrmStorage, Executor } from 'nestjs-durex';
import type { TxEnqueuerConfig } from '../support/protocol.js';
import { childConfig, leave, nextMessage, report, runChild } from './runtime.js';

/**
 * Enqueues one job inside an application's TypeORM transaction (the storage's own DataSource), then
 * either commits, or hangs with the transaction open so the test can SIGKILL it before the commit.
 */
runChild(async () => {
  const config = childConfig<TxEnqueuerConfig>();
  const storage = await createTypeOrmStorage(config.storage);
  const executor = new Executor(storage, { commands: [config.name] });
  await report({ type: 'ready' });
  await nextMessage('go');

  const id = await storage.dataSource.transaction(async (manager) => {
    const instance = await executor.add({ name: config.name, data: { outcome: config.outcome } }, { transaction: manager });
    const [{ pid }] = (await manager.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
    await report({ type: 'in-transaction', id: instance.id, backendPid: pid });
    // Never settles: the transaction stays open, uncommitted, until the process is killed.
    if (config.outcome === 'hang') await new Promise<never>(() => undefined);
    return instance.id;
  });
  await report({ type: 'committed', id });
  await executor.stop();
  await storage.close();
  leave();
});
