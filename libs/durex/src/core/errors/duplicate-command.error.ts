import { DurexError } from './durex.error.js';

/**
 * An active instance (PENDING, STARTED or REPEATING) already holds the unique key.
 *
 * @publicApi
 */
export class DuplicateCommandError extends DurexError {
  constructor(
    readonly uniqueKey: string,
    readonly existingId?: string,
  ) {
    super(
      `durex: an active command already holds unique key "${uniqueKey}"${existingId ? ` (instance ${existingId})` : ''}`,
      'DUPLICATE_COMMAND',
    );
  }
}
