import { runWithTraceContext } from '../core/context.js';
import { CommandTimeoutError } from '../core/errors/command-timeout.error.js';
import { InvalidResultError } from '../core/errors/invalid-result.error.js';
import { ThrownValueError } from '../core/errors/thrown-value.error.js';
import type { Instance } from '../core/instance.js';
import { Result } from '../core/result.js';
import type { CommandContext, HandlerReturn } from './command-context.js';
import type { DurexLogger } from './logger.js';

/** What the handler code of one instance runs with. */
export interface HandlerEnvironment {
  timeoutMs: number;
  logger: DurexLogger;
  progress: CommandContext['progress'];
}

/**
 * Runs handler code for one instance: inside the instance's trace context, bounded by `timeoutMs`
 * (which aborts the signal), and given up on as soon as the signal aborts, so a handler that never
 * settles cannot hold a worker. Whatever it throws comes out as an Error; whatever it returns is
 * checked to be a Result.
 */
export async function runHandler(
  instance: Instance,
  controller: AbortController,
  { timeoutMs, logger, progress }: HandlerEnvironment,
  work: (ctx: CommandContext) => Promise<HandlerReturn> | HandlerReturn,
): Promise<Result> {
  const { signal } = controller;
  const timer = timeoutMs > 0 ? setTimeout(() => controller.abort(new CommandTimeoutError(timeoutMs)), timeoutMs) : undefined;
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  const ctx: CommandContext = {
    signal,
    attempt: instance.attempt,
    traceId: instance.traceId,
    correlationId: instance.correlationId,
    logger,
    progress,
  };
  try {
    const running = runWithTraceContext(
      { traceId: instance.traceId ?? undefined, correlationId: instance.correlationId ?? undefined, instance },
      async () => toResult(instance.name, await work(ctx)),
    );
    // A handler abandoned at its timeout may still settle later; its outcome is ignored, not unhandled.
    running.catch(() => undefined);
    aborted.catch(() => undefined);
    return await Promise.race([running, aborted]);
  } catch (error) {
    throw ThrownValueError.from(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Checks a handler's return value: nothing means `Result.empty()`, anything but a Result is an error. */
export function toResult(name: string, value: unknown): Result {
  if (value === undefined) return Result.empty();
  if (Result.isResult(value)) return value;
  throw new InvalidResultError(name, value);
}
