import { DurexError } from './durex.error.js';

/**
 * Thrown by a handler to fail the instance at once, skipping any retries left. The Recover handler
 * and the dead letter queue still apply.
 *
 * @publicApi
 */
export class PermanentError extends DurexError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'PERMANENT', options);
  }
}
