import { DurexError } from './durex.error.js';

/**
 * An executor or module option is invalid. Raised at bootstrap so a typo never reaches production.
 *
 * @publicApi
 */
export class InvalidOptionsError extends DurexError {
  constructor(
    readonly option: string,
    readonly reason: string,
  ) {
    super(`durex: invalid option ${option}: ${reason}`, 'INVALID_OPTIONS');
  }
}
