import { closeSync, openSync, writeSync } from 'node:fs';
import type { ExecutorOptions } from 'nestjs-durex';
import { ExecutionLog } from '../support/execution-log.js';
import type { ChildStorage } from '../support/protocol.js';
import { childConfig, openWhenStarted, runChild, serveUntilStopped } from './runtime.js';

/** children/limited-worker.ts: runs `durations`' commands under cluster-wide limits, recording each run. */
export interface LimitedWorkerConfig {
  storage: ChildStorage;
  executor: Pick<ExecutorOptions, 'parallelism' | 'prefetch' | 'pollInterval' | 'concurrency' | 'concurrencyKeyLimit' | 'rateLimit'>;
  /** How long each command's handler runs (ms), by name. */
  durations: Record<string, number>;
  /** Executions, as children/worker.ts records them. */
  log: string;
  /** One line per run the handler finished: id, pid, name, concurrency key, start and end (epoch ms). */
  runs: string;
}

/**
 * A worker process under cluster-wide limits. Each handler writes its own interval, taken from its
 * first and last line, so the test measures overlap from what really ran, not from the rows.
 */
runChild(async () => {
  const config = childConfig<LimitedWorkerConfig>();
  const { storage, executor } = await openWhenStarted(config);
  const log = ExecutionLog.open(config.log);
  const runs = openSync(config.runs, 'a');
  for (const [name, ms] of Object.entries(config.durations)) {
    executor.handle(name, async (instance) => {
      const start = Date.now();
      log.record(instance.id);
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      writeSync(runs, `${instance.id}\t${process.pid}\t${name}\t${instance.concurrencyKey ?? ''}\t${start}\t${Date.now()}\n`);
    });
  }
  await serveUntilStopped(executor, storage, log);
  closeSync(runs);
});
