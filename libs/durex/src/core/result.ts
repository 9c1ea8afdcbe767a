import type { Spec } from './spec.js';

/**
 * What a handler tells the executor to do next. Returning nothing means `Result.empty()`.
 *
 * @publicApi
 */
export class Result {
  private constructor(
    /** Children to create; each gets this instance as parent and inherits its trace and correlation. */
    readonly commands: readonly Spec[],
    /** Run this instance again after its period. */
    readonly repeat: boolean,
    /** Run this instance again now (after backoff), spending a retry but not calling Recover. */
    readonly retry: boolean,
    /** When repeating, run again at this time instead of after the period. */
    readonly repeatAt: Date | null = null,
    /** Run this once every child in `commands` has ended (fan-in); it reads their outcomes with `ctx.outcomes()`. */
    readonly then: Spec | null = null,
  ) {}

  /** Done; nothing follows. */
  static empty(): Result {
    return new Result([], false, false);
  }

  /** Run again after the instance's period (or the executor's default repeat interval). Children may be added. */
  static repeat(...children: Spec[]): Result {
    return new Result(children, true, false);
  }

  /** Run again at a given time (the next cron tick, say). Children may be added. */
  static repeatAt(at: Date, ...children: Spec[]): Result {
    return new Result(children, true, false, at);
  }

  /**
   * Retry without counting as a failure: spends a retry and honours the backoff, but never calls Recover.
   * With no retries left the instance completes.
   */
  static retry(): Result {
    return new Result([], false, true);
  }

  /** Create one follow-up command. */
  static next<T>(spec: Spec<T>): Result {
    return new Result([spec as Spec], false, false);
  }

  /** Create several follow-up commands (fan-out). */
  static spawn(...specs: Spec[]): Result {
    return new Result(specs, false, false);
  }

  /**
   * Fan-out and fan-in: creates the children, and `then` as a child that waits until every one of
   * them has ended (COMPLETED, FAILED, DEAD_LETTER, CANCELLED or EXPIRED; retries do not count).
   * The transition that ends the last child makes `then` ready, in the same write; it runs once and
   * reads each child's outcome with `ctx.outcomes()`. With no children, `then` is ready at once.
   * The children may not carry a `uniqueKey` (a skipped duplicate would never end), and `then` may
   * carry no `delay`.
   */
  static spawnThen<T>(specs: readonly Spec[], then: Spec<T>): Result {
    return new Result([...specs], false, false, null, then as Spec);
  }

  /** True for a Result, including one from another copy of the library. */
  static isResult(value: unknown): value is Result {
    if (value instanceof Result) return true;
    const v = value as Partial<Result> | null;
    return typeof v === 'object' && v !== null && Array.isArray(v.commands) && typeof v.repeat === 'boolean' && typeof v.retry === 'boolean';
  }
}
