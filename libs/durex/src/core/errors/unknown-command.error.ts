import { DurexError } from './durex.error.js';

/**
 * A spec names a command that no handler in this process handles and that was not declared as
 * handled elsewhere. Raised before anything is stored.
 *
 * @publicApi
 */
export class UnknownCommandError extends DurexError {
  constructor(
    readonly commandName: string,
    readonly knownNames: readonly string[],
  ) {
    super(
      `durex: unknown command "${commandName}". Known commands: ${knownNames.length ? knownNames.join(', ') : '(none)'}. ` +
        'Register a @Command handler for it, or list it in `commands` when another process handles it.',
      'UNKNOWN_COMMAND',
    );
  }
}
