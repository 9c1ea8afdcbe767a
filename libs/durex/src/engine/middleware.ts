import type { Instance } from '../core/instance.js';
import type { Result } from '../core/result.js';
import { RateLimitTimeoutError } from '../core/errors/rate-limit-timeout.error.js';
import type { CommandDefinition } from './handler-registry.js';
import type { RateLimiter, Release } from './rate-limiter.js';

/** What a middleware sees of the attempt it wraps. @publicApi */
export interface MiddlewareContext {
  readonly instance: Instance;
  readonly handler: CommandDefinition;
  readonly signal: AbortSignal;
}

/**
 * Wraps every attempt, in the order given: call `next()` to go on, or return a Result to
 * short-circuit. Errors thrown here count as the attempt's failure.
 *
 * @publicApi
 */
export type Middleware = (ctx: MiddlewareContext, next: () => Promise<Result>) => Promise<Result>;

/** Composes middleware around a final step, outermost first. */
export function composeMiddleware(middleware: readonly Middleware[], ctx: MiddlewareContext, last: () => Promise<Result>): () => Promise<Result> {
  return middleware.reduceRight<() => Promise<Result>>((next, mw) => () => mw(ctx, next), last);
}

/**
 * Limits concurrent executions through a shared {@link RateLimiter} (the reference's
 * `RateLimitMiddleware`): waits up to `timeoutMs` for a slot, then fails the attempt with
 * `RateLimitTimeoutError` (which counts as a failure and is retried like one).
 *
 * @publicApi
 */
export function rateLimitMiddleware(limiter: RateLimiter, timeoutMs: number): Middleware {
  return async (ctx, next) => {
    const waited = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
    let release: Release;
    try {
      release = await limiter.acquire(ctx.instance.name, waited);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new RateLimitTimeoutError(ctx.instance.name, timeoutMs);
    }
    try {
      return await next();
    } finally {
      release();
    }
  };
}

/**
 * Hands the instance's trace and correlation ids to your tracing or logging context (the reference's
 * `TracingMiddleware` with a `ContextInjector`), for example a CLS store or a logger's child context.
 *
 * @publicApi
 */
export type TraceInjector = (ids: { traceId: string | null; correlationId: string | null }, run: () => Promise<Result>) => Promise<Result>;

/** @publicApi */
export function tracingMiddleware(injector: TraceInjector): Middleware {
  return (ctx, next) => injector({ traceId: ctx.instance.traceId, correlationId: ctx.instance.correlationId }, next);
}
