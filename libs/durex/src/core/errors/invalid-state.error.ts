import type { Status } from '../status.js';
import { DurexError } from './durex.error.js';

/**
 * The operation does not apply to the instance in its current status, such as cancelling a
 * completed instance or replaying one that is not dead-lettered.
 *
 * @publicApi
 */
export class InvalidStateError extends DurexError {
  constructor(
    readonly id: string,
    readonly status: Status,
    readonly operation: string,
  ) {
    super(`durex: cannot ${operation} command ${id}: it is ${status}`, 'INVALID_STATE');
  }
}
