import { DurexError } from './durex.error.js';

/**
 * No instance has the given id (it never existed, or cleanup removed it).
 *
 * @publicApi
 */
export class CommandNotFoundError extends DurexError {
  constructor(readonly id: string) {
    super(`durex: no command instance with id "${id}"`, 'COMMAND_NOT_FOUND');
  }
}
