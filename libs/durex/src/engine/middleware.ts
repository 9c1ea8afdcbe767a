import type { Instance } from '../core/instance.js';
import type { Result } from '../core/result.js';
import type { CommandDefinition } from './handler-registry.js';

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
