import type { ExecutorOptions } from 'nestjs-durex';
import type { ChildStorage } from '../../processes/support/protocol.js';

/** The executor options a fault worker takes (the JSON-able ones). */
export type FaultExecutorOptions = Pick<
  ExecutorOptions,
  'parallelism' | 'claimBatchSize' | 'pollInterval' | 'lease' | 'stuckRecovery' | 'deadLetterQueue' | 'gracefulShutdown' | 'cleanup'
>;

/**
 * children/fault-worker.ts: a worker process on the test harness's IPC protocol (ready, start,
 * started, stop, stopped) whose executor and storage log to a file the test reads.
 */
export interface FaultWorkerConfig {
  storage: ChildStorage;
  executor: FaultExecutorOptions;
  /** Commands whose handler records its execution, then works for `workMs` (honouring its signal). */
  commands: string[];
  workMs: number;
  /** Also registers the misbehaving handlers of support/hostile-handlers.ts. */
  hostile?: boolean;
  /** Gives `commands` a Recover handler that records its run in `recoverLog`, then works this long. */
  recoverMs?: number;
  recoverLog?: string;
  /** The execution log (see test/processes/support/execution-log.ts). */
  log: string;
  /** Where the executor's and the storage's log lines go (see file-logger.ts). */
  logLines: string;
  /** Appends a {@link ProcessSample} line here every `sampleEvery` ms (the soak's view of the process). */
  samples?: string;
  sampleEvery?: number;
}

/** What a worker process measures of itself. */
export interface ProcessSample {
  at: number;
  rss: number;
  heapUsed: number;
  /** process.getActiveResourcesInfo(), counted by kind (Timeout, TCPWRAP, FSReqCallback…). */
  resources: Record<string, number>;
}

/** The fault worker script, for `spawnScript`. */
export const FAULT_WORKER = new URL('../children/fault-worker.ts', import.meta.url);
