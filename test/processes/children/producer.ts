import { createTypeOrmStorage, Executor } from 'nestjs-durex';
import type { ProducerConfig } from '../support/protocol.js';
import { childConfig, leave, report, runChild } from './runtime.js';

/**
 * A producer process: creates the schema if needed, enqueues `specs` and exits. It registers no
 * handler (the names are declared with `commands`) and never starts its executor, so nothing it
 * enqueued can run in it.
 */
runChild(async () => {
  const config = childConfig<ProducerConfig>();
  const storage = await createTypeOrmStorage(config.storage);
  await storage.migrate();
  const executor = new Executor(storage, { commands: [...new Set(config.specs.map((spec) => spec.name))] });
  const added = await executor.addMany(config.specs);
  await executor.stop();
  await storage.close();
  await report({ type: 'enqueued', ids: added.map((instance) => instance.id) });
  leave();
});
