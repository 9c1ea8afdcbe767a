import { join } from 'node:path';
import { Executor, Status } from 'nestjs-durex';
import { expect } from 'vitest';
import type { Child } from '../../processes/support/child-processes.js';
import { readExecutions } from '../../processes/support/execution-log.js';
import type { SharedPostgres } from '../../processes/support/process-harness.js';
import { waitFor } from '../../support/wait-for.js';
import { type FaultExecutorOptions, FAULT_WORKER, type FaultWorkerConfig } from './fault-worker.config.js';
import { readLogLines, type LogLine } from './file-logger.js';

/** The command every drain enqueues. */
export const DRAIN_COMMAND = 'drain';
const CHUNK = 1_000;

/** A worker process of a drain, with its files. */
export interface DrainWorker {
  child: Child;
  log: string;
  logLines: string;
  /** What its logger wrote so far. */
  lines(): LogLine[];
}

type SpawnScript = (script: URL, config: unknown, label: string, nodeFlags?: readonly string[]) => Child;

/** Forks a fault worker on `db` that runs the drain command; `start()` it when the queue is filled. */
export function forkDrainWorker(
  spawnScript: SpawnScript,
  db: SharedPostgres,
  dir: string,
  label: string,
  executor: FaultExecutorOptions,
  workMs: number,
): DrainWorker {
  const log = join(dir, `${label}.log`);
  const logLines = join(dir, `${label}.lines`);
  const config: FaultWorkerConfig = { storage: db.forChild(4), executor, commands: [DRAIN_COMMAND], workMs, log, logLines };
  return { child: spawnScript(FAULT_WORKER, config, label), log, logLines, lines: () => readLogLines(logLines) };
}

/**
 * Enqueues `count` drain jobs from the test process, each with `retries` and a unique key of its
 * own, in acknowledged chunks; resolves with the acknowledged ids.
 */
export async function enqueueDrain(db: SharedPostgres, count: number, retries: number, keyPrefix: string): Promise<string[]> {
  const producer = new Executor(db.storage, { commands: [DRAIN_COMMAND] });
  const ids: string[] = [];
  try {
    for (let from = 0; from < count; from += CHUNK) {
      const specs = Array.from({ length: Math.min(CHUNK, count - from) }, (_, n) => ({
        name: DRAIN_COMMAND,
        data: { n: from + n },
        retries,
        uniqueKey: `${keyPrefix}:${from + n}`,
      }));
      ids.push(...(await producer.addMany(specs)).map((instance) => instance.id));
    }
  } finally {
    await producer.stop();
  }
  return ids;
}

/** Completed instances now; throws while the database is unreachable (waitFor retries). */
export function completedCount(db: SharedPostgres): Promise<number> {
  return db.storage.count({ status: Status.COMPLETED });
}

/** Waits until `count` instances are COMPLETED; resolves with how long it took. */
export async function waitForDrained(db: SharedPostgres, count: number, timeout: number): Promise<number> {
  const from = Date.now();
  await waitFor(async () => (await completedCount(db)) === count, { timeout, interval: 200, description: `all ${count} instances COMPLETED` });
  return Date.now() - from;
}

/** Stops the workers still running; each must exit by itself, cleanly. */
export async function stopWorkers(workers: readonly DrainWorker[]): Promise<void> {
  const stopped = await Promise.all(workers.map(({ child }) => child.stop()));
  expect(stopped.map(({ exit }) => exit)).toEqual(workers.map(() => ({ code: 0, signal: null })));
}

/** Every execution the workers logged. */
export function executionsOf(workers: readonly DrainWorker[]) {
  return readExecutions(...workers.map((worker) => worker.log));
}

/**
 * The instances among `ids` whose attempt was interrupted by the fault: reclaimed after their lease
 * expired, or failed (a drain handler never fails by itself; a storage error recording its outcome
 * makes the attempt fail). The only drain jobs that may run twice.
 */
export async function interruptedAmong(db: SharedPostgres, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.query<{ instance_id: string }>(
    `SELECT DISTINCT instance_id FROM "${db.schema}".durex_events
     WHERE instance_id = ANY($1::text[]) AND (type = 'failed' OR (type = 'recovered' AND message LIKE 'lease of % expired%'))`,
    [ids],
  );
  return new Set(rows.map((row) => row.instance_id));
}
