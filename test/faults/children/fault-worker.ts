import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Instance } from 'nestjs-durex';
import { childConfig, openWhenStarted, runChild, serveUntilStopped } from '../../processes/children/runtime.js';
import { ExecutionLog } from '../../processes/support/execution-log.js';
import { FileLogger } from '../support/file-logger.js';
import type { FaultWorkerConfig, ProcessSample } from '../support/fault-worker.config.js';
import { registerHostileHandlers } from '../support/hostile-handlers.js';

/**
 * A worker process for fault injection: like test/processes/children/worker.ts, but its handlers
 * take time (so work is in flight when a fault strikes), and everything the executor and the
 * storage log goes to a file, so the test can assert how a process reported an outage.
 */
runChild(async () => {
  const config = childConfig<FaultWorkerConfig>();
  const logger = new FileLogger(config.logLines);
  const { storage, executor } = await openWhenStarted(config, logger);
  const log = ExecutionLog.open(config.log);
  const recoverLog = config.recoverLog === undefined ? undefined : ExecutionLog.open(config.recoverLog);
  const recover = recoverLog
    ? async (instance: Instance) => {
        recoverLog.record(instance.id);
        await sleep(config.recoverMs ?? 0);
      }
    : undefined;
  for (const name of config.commands) {
    executor.handle(
      name,
      async (instance, ctx) => {
        log.record(instance.id);
        if (config.workMs > 0) await sleep(config.workMs, undefined, { signal: ctx.signal });
      },
      { recover },
    );
  }
  if (config.hostile) registerHostileHandlers(executor, log);
  if (config.samples) sampleItself(config.samples, config.sampleEvery ?? 10_000);
  await serveUntilStopped(executor, storage, log);
});

/**
 * Appends this process's memory and active resources to `path` every `every` ms, without keeping it
 * alive. With --expose-gc it collects first, so the heap measured is what is live, not garbage.
 */
function sampleItself(path: string, every: number): void {
  const sample = () => {
    (globalThis as { gc?: () => void }).gc?.();
    const resources: Record<string, number> = {};
    for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
    const { rss, heapUsed } = process.memoryUsage();
    appendFileSync(path, `${JSON.stringify({ at: Date.now(), rss, heapUsed, resources } satisfies ProcessSample)}\n`);
  };
  setInterval(sample, every).unref();
  sample();
}
