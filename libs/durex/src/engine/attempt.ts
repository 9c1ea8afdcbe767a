import { runWithTraceContext } from '../core/context.js';
import { CommandTimeoutError } from '../core/errors/command-timeout.error.js';
import { InvalidResultError } from '../core/errors/invalid-result.error.js';
import { ThrownValueError } from '../core/errors/thrown-value.error.js';
import type { DependencyOutcome } from '../core/fan-in.js';
import type { Instance } from '../core/instance.js';
import type { CommandData } from '../core/json.js';
import { Result } from '../core/result.js';
import type { CommandContext, HandlerReturn } from './command-context.js';
import type { DurexLogger } from './logger.js';

/** What the handler code of one instance runs with. */
export interface HandlerEnvironment {
  timeoutMs: number;
  logger: DurexLogger;
  progress: CommandContext['progress'];
  /** The recorded outcomes of what the instance with this id waited for. */
  outcomes: (id: string) => Promise<DependencyOutcome[]>;
}

/**
 * How one attempt is aborted (timeout, cancel, lost lease, shutdown). Its `AbortSignal` is created
 * only when handler code asks for it: most handlers never do, and a signal with its listener costs
 * more than a short handler itself.
 */
export class AttemptAbort {
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private interrupt: ((reason: unknown) => void) | undefined;
  aborted = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  get reason(): unknown {
    return this.abortReason;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    this.interrupt?.(reason);
  }

  /** Runs `running` until it settles or the attempt is aborted, whichever comes first. */
  race<R>(running: Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.aborted) return reject(this.abortReason);
      this.interrupt = reject;
      running.then(
        (value) => {
          this.interrupt = undefined;
          resolve(value);
        },
        (error: unknown) => {
          this.interrupt = undefined;
          reject(error);
        },
      );
    });
  }
}

/**
 * Runs handler code for one instance: inside the instance's trace context, bounded by `timeoutMs`
 * (which aborts the attempt), and given up on as soon as the attempt is aborted, so a handler that
 * never settles cannot hold a worker. Whatever it throws comes out as an Error; whatever it returns
 * is checked to be a Result. A handler that returns without a promise costs no race and no timer
 * callback: most of the per-attempt overhead is promises.
 */
export function runHandler(
  instance: Instance,
  abort: AttemptAbort,
  environment: HandlerEnvironment,
  work: (ctx: CommandContext) => Promise<HandlerReturn> | HandlerReturn,
): Promise<Result> {
  const { timeoutMs } = environment;
  const timer = timeoutMs > 0 ? setTimeout(() => abort.abort(new CommandTimeoutError(timeoutMs)), timeoutMs) : undefined;
  const ctx = new AttemptContext(abort, instance, environment);
  let value: Promise<HandlerReturn> | HandlerReturn;
  try {
    value = runWithTraceContext(
      { traceId: instance.traceId ?? undefined, correlationId: instance.correlationId ?? undefined, instance },
      () => work(ctx),
    );
  } catch (error) {
    clearTimeout(timer);
    return Promise.reject(ThrownValueError.from(error));
  }
  if (!isPromiseLike(value)) {
    clearTimeout(timer);
    try {
      return Promise.resolve(checked(instance, abort, value));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  // A handler abandoned at its timeout may still settle later; its outcome is ignored, not unhandled.
  return abort.race(Promise.resolve(value)).then(
    (settled) => {
      clearTimeout(timer);
      return checked(instance, abort, settled);
    },
    (error: unknown) => {
      clearTimeout(timer);
      throw ThrownValueError.from(abort.aborted ? abort.reason : error);
    },
  );
}

/** The handler's return value as a Result; the abort's reason instead if the attempt was aborted meanwhile. */
function checked(instance: Instance, abort: AttemptAbort, value: unknown): Result {
  if (abort.aborted) throw ThrownValueError.from(abort.reason);
  return toResult(instance.name, value);
}

/** The CommandContext of one attempt (a class: one small object per attempt, its signal created only if read). */
class AttemptContext implements CommandContext {
  readonly attempt: number;
  readonly traceId: string | null;
  readonly correlationId: string | null;
  readonly logger: DurexLogger;
  readonly progress: CommandContext['progress'];

  constructor(
    private readonly abort: AttemptAbort,
    private readonly instance: Instance,
    private readonly environment: HandlerEnvironment,
  ) {
    this.attempt = instance.attempt;
    this.traceId = instance.traceId;
    this.correlationId = instance.correlationId;
    this.logger = environment.logger;
    this.progress = environment.progress;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  outcomes<T = CommandData>(): Promise<DependencyOutcome<T>[]> {
    return this.environment.outcomes(this.instance.id) as Promise<DependencyOutcome<T>[]>;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<HandlerReturn> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** Checks a handler's return value: nothing means `Result.empty()`, anything but a Result is an error. */
export function toResult(name: string, value: unknown): Result {
  if (value === undefined) return Result.empty();
  if (Result.isResult(value)) return value;
  throw new InvalidResultError(name, value);
}
