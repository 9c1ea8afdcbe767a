import type { DependencyOutcome } from '../core/fan-in.js';
import type { Instance } from '../core/instance.js';
import type { CommandData, JsonValue } from '../core/json.js';
import type { Result } from '../core/result.js';
import type { DurexLogger } from './logger.js';

/**
 * What a handler gets besides its instance.
 *
 * @publicApi
 */
export interface CommandContext {
  /**
   * Aborted when the attempt times out (reason: `CommandTimeoutError`), when the instance is
   * cancelled, when its lease is lost, or when shutdown's grace period ends (reason:
   * `CommandAbortedError`). Pass it to fetch, database drivers and timers.
   */
  readonly signal: AbortSignal;
  /** 1 for the first run. */
  readonly attempt: number;
  readonly traceId: string | null;
  readonly correlationId: string | null;
  readonly logger: DurexLogger;
  /**
   * Records how far the attempt got (a percentage, a counter, any JSON value) in the instance's
   * `metadata.progress`, visible through `get()` and the admin API at once. Ignored once the
   * instance is no longer this attempt's (cancelled or reclaimed).
   */
  progress(value: JsonValue): Promise<void>;
  /**
   * How the instances this one waited for ended (fan-in: the children of the `Result.spawnThen`
   * that created it, or its `dependsOn`), in the order they were listed: each one's id, name, final
   * status (COMPLETED, FAILED, DEAD_LETTER, CANCELLED or EXPIRED), data and error, as recorded by
   * the transition that ended it. Empty for an instance that waited for nothing. `T` types `data`.
   */
  outcomes<T = CommandData>(): Promise<DependencyOutcome<T>[]>;
}

/** A handler's return: a Result, or nothing for `Result.empty()`. @publicApi */
export type HandlerReturn = Result | void | undefined;

/** Runs an instance (the reference's `Execute`). @publicApi */
export type ExecuteFn<T = CommandData> = (
  instance: Instance<T>,
  ctx: CommandContext,
) => HandlerReturn | Promise<HandlerReturn>;

/** Called once retries are spent (the reference's `Recover`). @publicApi */
export type RecoverFn<T = CommandData> = (
  instance: Instance<T>,
  error: Error,
  ctx: CommandContext,
) => HandlerReturn | Promise<HandlerReturn>;

/** Called when the deadline passed before the instance could start (the reference's `Expired`). @publicApi */
export type ExpiredFn<T = CommandData> = (
  instance: Instance<T>,
  ctx: CommandContext,
) => HandlerReturn | Promise<HandlerReturn>;
