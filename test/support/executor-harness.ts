import { type DurexLogger, type DurexStorage, Executor, type ExecutorOptions } from 'nestjs-durex';
import { afterEach, expect } from 'vitest';
import { openTestStorage, type StorageKind, type TestStorage } from './storages.js';

/** A logger that keeps what it is told, so tests can assert on it and runs stay quiet. */
export class MemoryLogger implements DurexLogger {
  readonly lines: { level: string; message: string }[] = [];
  log(message: string): void { this.lines.push({ level: 'log', message }); }
  warn(message: string): void { this.lines.push({ level: 'warn', message }); }
  error(message: string): void { this.lines.push({ level: 'error', message }); }
  debug(message: string): void { this.lines.push({ level: 'debug', message }); }
}

/** Options that keep tests fast and quiet; each test overrides what it exercises. */
export const TEST_DEFAULTS: ExecutorOptions = {
  pollInterval: 50,
  stuckRecovery: false,
  cleanup: false,
  gracefulShutdown: 2_000,
};

/**
 * Opens one isolated storage per test (lazily) and any number of executors on it; all are stopped
 * and disposed after the test.
 */
export function useExecutors(kind: StorageKind) {
  let opened: TestStorage | undefined;
  let executors: Executor[] = [];

  afterEach(async () => {
    const running = executors;
    executors = [];
    await Promise.all(running.map((executor) => executor.stop()));
    await opened?.dispose();
    opened = undefined;
  });

  async function storage(): Promise<DurexStorage> {
    opened ??= await openTestStorage(kind, expect.getState().currentTestName ?? 'test');
    return opened.storage;
  }

  /** A new executor on the test's storage, not started. */
  async function executor(options: ExecutorOptions = {}): Promise<Executor> {
    return executorOn(await storage(), options);
  }

  /** A new executor, not started, on a storage of the test's own making (a wrapper of `storage()`). */
  function executorOn(on: DurexStorage, options: ExecutorOptions = {}): Executor {
    const created = new Executor(on, { logger: new MemoryLogger(), ...TEST_DEFAULTS, ...options });
    executors.push(created);
    return created;
  }

  return { storage, executor, executorOn };
}

/** Resolves after `ms`; for handlers that must take time, never for waiting on outcomes. */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
