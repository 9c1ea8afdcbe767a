import { DurexError } from './durex.error.js';

/**
 * A command handler is malformed: no `execute` method, two `@Recover()` methods, a request-scoped
 * provider, and so on. The message names the class and the fix.
 *
 * @publicApi
 */
export class InvalidCommandHandlerError extends DurexError {
  constructor(message: string) {
    super(`durex: ${message}`, 'INVALID_COMMAND_HANDLER');
  }
}
