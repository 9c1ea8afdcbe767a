import type { ExecutorOptions, PostgresStorageOptions, SqliteStorageOptions, Spec } from 'nestjs-durex';

/**
 * What the test process and its child processes say to each other over the IPC channel. Both
 * sides import these types, so a message cannot be sent in a shape the other side does not read.
 */

/** Storage a child opens itself: plain JSON, since it travels in the child's environment. */
export type ChildStorage = PostgresStorageOptions | SqliteStorageOptions;

/** The executor options a child takes from the test (the JSON-able ones). */
export type ChildExecutorOptions = Pick<ExecutorOptions, 'parallelism' | 'claimBatchSize' | 'pollInterval' | 'lease' | 'stuckRecovery'>;

/** children/worker.ts: runs `commands`, recording every execution in `log`. */
export interface WorkerConfig {
  storage: ChildStorage;
  executor: ChildExecutorOptions;
  commands: string[];
  /** 'complete' returns at once; 'block' never settles, so the job stays in flight until the process dies. */
  behaviour: 'complete' | 'block';
  log: string;
}

/** children/producer.ts: migrates, enqueues `specs` without handling them, and exits. */
export interface ProducerConfig {
  storage: ChildStorage;
  specs: Spec[];
}

/** children/unique-racer.ts: fires `count` concurrent adds of one unique key on `go`. */
export interface RacerConfig {
  storage: ChildStorage;
  name: string;
  uniqueKey: string;
  count: number;
}

/** children/tx-enqueuer.ts: enqueues inside a TypeORM transaction, then commits or hangs before committing. */
export interface TxEnqueuerConfig {
  storage: ChildStorage;
  name: string;
  outcome: 'commit' | 'hang';
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'started'; at: number }
  | { type: 'stopped'; executions: number }
  | { type: 'enqueued'; ids: string[] }
  | {
      type: 'raced';
      created: string[];
      duplicates: number;
      /** The instance each DuplicateCommandError named as the key's holder ('' when it named none). */
      holders: string[];
      errors: string[];
      /** When the first add was issued and the last one settled (epoch ms). */
      from: number;
      to: number;
    }
  | { type: 'in-transaction'; id: string; backendPid: number }
  | { type: 'committed'; id: string };

/** `go` may carry a wall-clock start time (epoch ms) shared by several children; absent means now. */
export type ParentMessage = { type: 'start' } | { type: 'stop' } | { type: 'go'; at?: number };

export type ChildMessageOf<T extends ChildMessage['type']> = Extract<ChildMessage, { type: T }>;
export type ParentMessageOf<T extends ParentMessage['type']> = Extract<ParentMessage, { type: T }>;

/** The environment variable a child reads its configuration from. */
export const CONFIG_ENV = 'DUREX_CHILD_CONFIG';
