import { createTypeOrmStorage, type DurexLogger, type DurexStorage, Executor, type ExecutorOptions } from 'nestjs-durex';
import type { ExecutionLog } from '../support/execution-log.js';
import { CONFIG_ENV, type ChildMessage, type ChildStorage, type ParentMessage, type ParentMessageOf } from '../support/protocol.js';

/**
 * The child side of the IPC protocol. A child is forked by support/child-processes.ts with an IPC
 * channel; if the test process dies (a crash, a killed Vitest worker) the channel closes and the
 * child exits at once, so no child outlives its test run.
 */

if (!process.send) throw new Error('a durex test child must be forked with an IPC channel');

let leaving = false;
process.on('disconnect', () => {
  if (!leaving) process.exit(1);
});

const inbox: ParentMessage[] = [];
const waiters: { type: ParentMessage['type']; resolve: (message: ParentMessage) => void }[] = [];
process.on('message', (message: ParentMessage) => {
  const index = waiters.findIndex((waiter) => waiter.type === message.type);
  if (index >= 0) waiters.splice(index, 1)[0]!.resolve(message);
  else inbox.push(message);
});

/** The configuration the test gave this child. */
export function childConfig<T>(): T {
  const raw = process.env[CONFIG_ENV];
  if (!raw) throw new Error(`${CONFIG_ENV} is not set`);
  return JSON.parse(raw) as T;
}

/** Sends a message to the test; resolves once it is handed to the channel. */
export function report(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

/** The next message of `type` from the test (one that already arrived, or the next to come). */
export function nextMessage<T extends ParentMessage['type']>(type: T): Promise<ParentMessageOf<T>> {
  const index = inbox.findIndex((message) => message.type === type);
  if (index >= 0) return Promise.resolve(inbox.splice(index, 1)[0] as ParentMessageOf<T>);
  return new Promise((resolve) => waiters.push({ type, resolve: resolve as (message: ParentMessage) => void }));
}

/** Closes the channel on purpose: the child then exits by itself once its work is done. */
export function leave(): void {
  leaving = true;
  process.disconnect();
}

/** Resolves at the wall-clock time `at` (the test's start signal, shared by every child); at once without one. */
export function until(at = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}

/** Runs a child's main function; any failure is printed for the test (it keeps stderr) and exits non-zero. */
export function runChild(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}

/**
 * A worker's start-up: reports `ready` (the process has loaded), waits for `start`, then opens its
 * storage and an executor on it, both with `logger` when one is given.
 */
export async function openWhenStarted(
  config: { storage: ChildStorage; executor: ExecutorOptions },
  logger?: DurexLogger,
): Promise<{ storage: DurexStorage; executor: Executor }> {
  await report({ type: 'ready' });
  await nextMessage('start');
  const withLogger = logger ? { logger } : {};
  const storage = await createTypeOrmStorage({ ...config.storage, ...withLogger });
  return { storage, executor: new Executor(storage, { ...config.executor, ...withLogger }) };
}

/**
 * A worker's side of start and stop: starts the executor and reports `started`; on `stop` stops it
 * gracefully, closes the storage and the log, reports `stopped` and leaves, so the process exits by
 * itself (a leaked handle would keep it alive, and the test would see it not exit).
 */
export async function serveUntilStopped(executor: Executor, storage: DurexStorage, log: ExecutionLog): Promise<void> {
  await executor.start();
  await report({ type: 'started', at: Date.now() });
  await nextMessage('stop');
  await executor.stop();
  await storage.close();
  log.close();
  await report({ type: 'stopped', executions: log.executions });
  leave();
}
