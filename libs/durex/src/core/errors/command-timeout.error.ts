import { DurexError } from './durex.error.js';

/**
 * An attempt ran longer than its timeout. The handler's `ctx.signal` is aborted with this error as
 * its reason, and the attempt counts as failed.
 *
 * @publicApi
 */
export class CommandTimeoutError extends DurexError {
  constructor(readonly timeoutMs: number) {
    super(`durex: the attempt timed out after ${timeoutMs} ms`, 'TIMEOUT');
  }
}
