import { PermanentError, Result } from 'nestjs-durex';
import { ExecutionLog } from '../support/execution-log.js';
import type { ChildExecutorOptions, ChildStorage } from '../support/protocol.js';
import { childConfig, openWhenStarted, runChild, serveUntilStopped } from './runtime.js';

/** fan-in-worker.ts: runs fan-ins, logging each child and each continuation as it starts. */
export interface FanInWorkerConfig {
  storage: ChildStorage;
  executor: ChildExecutorOptions;
  /** Children per fan-in. */
  children: number;
  thenLog: string;
  childLog: string;
}

/**
 * A worker process for the fan-in test: `fanParent` spawns `children` children and a `fanThen`
 * continuation (with the parent's `thenPriority`); a child squares its `k` after 0-2 ms, or fails for good when told to; the
 * continuation stores the outcomes it read in its own data, for the test to compare with the
 * children's rows.
 */
runChild(async () => {
  const config = childConfig<FanInWorkerConfig>();
  const { storage, executor } = await openWhenStarted(config);
  const thenLog = ExecutionLog.open(config.thenLog);
  const childLog = ExecutionLog.open(config.childLog);
  executor.handle('fanParent', (instance) =>
    Result.spawnThen(
      Array.from({ length: config.children }, (_, k) => ({ name: 'fanChild', data: { k, fail: k === instance.getInt('failAt') } })),
      // A priority above the children's 0 lets the continuation pass the children queued before it.
      { name: 'fanThen', data: { parent: instance.getInt('parent') }, priority: instance.getInt('thenPriority') },
    ),
  );
  executor.handle('fanChild', async (instance) => {
    childLog.record(instance.id);
    const k = instance.getInt('k');
    await new Promise((resolve) => setTimeout(resolve, k % 3));
    if (instance.getBool('fail')) throw new PermanentError(`child ${k} failed`);
    instance.set('square', k * k);
  });
  executor.handle('fanThen', async (instance, ctx) => {
    thenLog.record(instance.id);
    const outcomes = await ctx.outcomes<{ k: number; square?: number }>();
    instance.set(
      'seen',
      outcomes.map((outcome) => ({ id: outcome.id, status: outcome.status, error: outcome.error, square: outcome.data.square ?? null })),
    );
  });
  await serveUntilStopped(executor, storage, thenLog);
  childLog.close();
});
