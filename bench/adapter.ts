/**
 * The one interface every benchmarked system implements. Scenarios only talk to this, so each
 * system runs exactly the same workload, through its own idiomatic API.
 */

/** What every benchmark job carries. Kept tiny so payload encoding does not dominate. */
export interface JobPayload {
  /** Index of this execution in the run's ledger: each index must run exactly once. */
  i: number;
  /**
   * Epoch milliseconds (fractional) taken just before the producer called enqueue; for a workflow,
   * when its first step was enqueued. Workers subtract it from their clock to get latency.
   */
  t: number;
  /** Step of a workflow, from 0; absent for plain jobs. */
  s?: number;
  /** Steps in the workflow. */
  n?: number;
}

/** Called by a worker at the start of every handler, before anything else. */
export type OnJob = (job: JobPayload) => void;

/** Where one run of one system keeps its state: a fresh database or a flushed Redis db. */
export interface Target {
  /** Connection string of the run's own PostgreSQL database. */
  postgresUrl: string;
  redis: { host: string; port: number; db: number };
}

export interface BenchAdapter {
  /** Creates the system's tables (or queue) in the empty target. Called once per run, by the producer. */
  setup(): Promise<void>;
  enqueueOne(job: JobPayload): Promise<void>;
  /** Enqueues with the system's batch API, in one call. */
  enqueueMany(jobs: readonly JobPayload[]): Promise<void>;
  /**
   * Starts workflows whose first steps are given (`s` = 0, `n` steps). durex declares the
   * sequence up front; the peers' handlers enqueue each next step themselves.
   */
  enqueueWorkflows(firsts: readonly JobPayload[]): Promise<void>;
  /** Fills the system's own tables with `n` finished jobs, as a long-running deployment would have. */
  seedCompleted(n: number): Promise<void>;
  /** Jobs not yet finished (waiting, running or retrying); 0 once a drain has been fully recorded. */
  unfinished(): Promise<number>;
  /** Starts consuming with `parallelism` concurrent handlers; resolves once the worker is running. */
  startWorker(parallelism: number, onJob: OnJob): Promise<void>;
  /** Stops the worker gracefully, letting it record every outcome it holds. */
  stop(): Promise<void>;
  /** Closes every connection the adapter opened. */
  teardown(): Promise<void>;
}

/** The next step of a workflow job, or undefined after its last step. Used by the peers' handlers. */
export function nextStep(job: JobPayload): JobPayload | undefined {
  if (job.s === undefined || job.n === undefined || job.s + 1 >= job.n) return undefined;
  return { i: job.i + 1, t: job.t, s: job.s + 1, n: job.n };
}

/** The name every benchmark job and queue uses. */
export const JOB_NAME = 'bench';
