import { DurexError } from './durex.error.js';

/**
 * The reason `ctx.signal` carries when the running instance was cancelled or the executor is
 * shutting down. Whatever the handler returns afterwards is discarded.
 *
 * @publicApi
 */
export class CommandAbortedError extends DurexError {
  constructor(readonly why: 'cancelled' | 'shutdown' | 'lease-lost') {
    super(`durex: the attempt was aborted (${why})`, 'ABORTED');
  }
}
