import { DurexError } from './durex.error.js';

/**
 * `rateLimitMiddleware` waited its whole timeout without getting a slot.
 *
 * @publicApi
 */
export class RateLimitTimeoutError extends DurexError {
  constructor(
    readonly commandName: string,
    readonly timeoutMs: number,
  ) {
    super(`durex: no concurrency slot for "${commandName}" within ${timeoutMs} ms`, 'RATE_LIMIT_TIMEOUT');
  }
}
