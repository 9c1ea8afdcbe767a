import { DurexError } from './durex.error.js';

/**
 * Two handlers were registered under one command name.
 *
 * @publicApi
 */
export class DuplicateHandlerError extends DurexError {
  constructor(
    readonly commandName: string,
    readonly first: string,
    readonly second: string,
  ) {
    super(
      `durex: command "${commandName}" is handled twice, by ${first} and by ${second}. Each command name needs exactly one handler.`,
      'DUPLICATE_HANDLER',
    );
  }
}
