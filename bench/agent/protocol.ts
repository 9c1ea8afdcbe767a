/** Messages between the orchestrating parent and an agent child (Node IPC, advanced serialization). */

export type EnqueueMode = 'one' | 'many' | 'workflows';

export interface EnqueueArgs {
  mode: EnqueueMode;
  /** Jobs ('one', 'many') or workflows ('workflows'). */
  count: number;
  /** Jobs per batch-API call ('many', 'workflows'). */
  batch: number;
  /** Steps per workflow. */
  steps?: number;
}

export interface EnqueueResult {
  /** When the first enqueue call began (epoch ms). */
  startedAt: number;
  /** Time spent enqueueing, start to last acknowledgement. */
  ms: number;
}

/** What a worker agent hands back when it stops. */
export interface WorkerReport {
  /** Executions per ledger index. */
  counts: Uint32Array;
  /** Handler start minus the job's enqueue timestamp, per index (ms); NaN where nothing ran. */
  latency: Float64Array;
  /** Executions whose index was outside the ledger. */
  stray: number;
  executed: number;
  /** When the adapter's startWorker resolved (epoch ms). */
  readyAt: number;
  /** First and last handler start (epoch ms). */
  firstAt: number;
  lastAt: number;
  /** Peak resident set of the worker process (VmHWM), bytes. */
  peakRssBytes: number;
  /** CPU time (user + system) of the process from the first handler start to about the last, microseconds. */
  cpuMicros: number;
}

export type AgentRequest =
  | { op: 'setup' }
  | { op: 'seed'; rows: number }
  | { op: 'enqueue'; args: EnqueueArgs }
  | { op: 'paced'; count: number; gapMs: number }
  | { op: 'unfinished' }
  | { op: 'start'; parallelism: number; ledgerSize: number }
  | { op: 'finish' };

export type AgentOp = AgentRequest['op'];

export interface AgentResults {
  setup: void;
  seed: { ms: number };
  enqueue: EnqueueResult;
  paced: EnqueueResult;
  unfinished: number;
  start: void;
  finish: WorkerReport;
}

export type ToAgent = { id: number; request: AgentRequest } | { id: number; close: true };

export type FromAgent =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }
  | { progress: number }
  | { ready: true };
