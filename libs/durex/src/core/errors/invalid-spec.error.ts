import { DurexError } from './durex.error.js';

/**
 * A spec (or its payload) is malformed. `field` names the culprit, as a path such as `data.items[2]`.
 *
 * @publicApi
 */
export class InvalidSpecError extends DurexError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`durex: invalid spec: ${field} ${reason}`, 'INVALID_SPEC');
  }
}
