/**
 * The execution states of a command instance.
 *
 * @publicApi
 */
export const Status = {
  /** Waiting to run once its `readyAt` has passed. */
  PENDING: 'PENDING',
  /** Claimed by a worker and running under a lease. */
  STARTED: 'STARTED',
  /** Finished successfully. */
  COMPLETED: 'COMPLETED',
  /** Failed after its retries were spent (and no dead letter queue is configured). */
  FAILED: 'FAILED',
  /** Its deadline passed before it could start. */
  EXPIRED: 'EXPIRED',
  /** Waiting for its next period after returning `Result.repeat()`. */
  REPEATING: 'REPEATING',
  /** Cancelled by a user before it finished. */
  CANCELLED: 'CANCELLED',
  /** Failed permanently and parked for inspection and replay. */
  DEAD_LETTER: 'DEAD_LETTER',
} as const;

/** @publicApi */
export type Status = (typeof Status)[keyof typeof Status];

/** Every status, in lifecycle order. @publicApi */
export const ALL_STATUSES: readonly Status[] = Object.values(Status);

/** Statuses from which an instance can still run: the ones a unique key is held by. @publicApi */
export const ACTIVE_STATUSES: readonly Status[] = [Status.PENDING, Status.STARTED, Status.REPEATING];

/** Statuses an instance never leaves on its own. @publicApi */
export const TERMINAL_STATUSES: readonly Status[] = [
  Status.COMPLETED,
  Status.FAILED,
  Status.EXPIRED,
  Status.CANCELLED,
  Status.DEAD_LETTER,
];

/** Statuses the scheduler claims from once `readyAt` has passed. */
export const RUNNABLE_STATUSES: readonly Status[] = [Status.PENDING, Status.REPEATING];

/** Terminal statuses that periodic cleanup may delete; the dead letter queue is kept until purged. */
export const CLEANABLE_STATUSES: readonly Status[] = [Status.COMPLETED, Status.FAILED, Status.EXPIRED, Status.CANCELLED];

/**
 * True when the status is final.
 *
 * @publicApi
 */
export function isTerminal(status: Status): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * True when the value names a status.
 *
 * @publicApi
 */
export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (ALL_STATUSES as readonly string[]).includes(value);
}
