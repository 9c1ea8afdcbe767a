import { ExecutionLog } from '../support/execution-log.js';
import type { WorkerConfig } from '../support/protocol.js';
import { childConfig, openWhenStarted, runChild, serveUntilStopped } from './runtime.js';

/**
 * A worker process: on `start` it opens the storage and runs `commands`, recording each execution
 * in its log before the handler does anything else (then returns, or blocks with 'block'); on `stop` it stops the executor gracefully,
 * closes the storage and exits by itself (a leaked handle would keep it alive, and the test would
 * see it not exit).
 */
runChild(async () => {
  const config = childConfig<WorkerConfig>();
  const { storage, executor } = await openWhenStarted(config);
  const log = ExecutionLog.open(config.log);
  for (const name of config.commands) {
    executor.handle(name, async (instance) => {
      log.record(instance.id);
      // Never settles: the job stays in flight, holding its lease, until the process is killed.
      if (config.behaviour === 'block') await new Promise<never>(() => undefined);
    });
  }
  await serveUntilStopped(executor, storage, log);
});
