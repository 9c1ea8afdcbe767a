import { DurexError } from './durex.error.js';

/**
 * A handler returned something other than a `Result` or nothing. The attempt counts as failed.
 *
 * @publicApi
 */
export class InvalidResultError extends DurexError {
  constructor(readonly commandName: string, received: unknown) {
    super(
      `durex: handler of "${commandName}" returned ${describe(received)}; return a Result (Result.empty(), Result.next(...)) or nothing`,
      'INVALID_RESULT',
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'no prototype'})` : `a ${typeof value}`;
}
