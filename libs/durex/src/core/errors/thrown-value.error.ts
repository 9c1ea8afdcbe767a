import { DurexError } from './durex.error.js';

/**
 * Wraps a non-Error value a handler threw (`throw 'boom'`), so it still counts as a failure with a
 * message, metrics and Recover.
 *
 * @publicApi
 */
export class ThrownValueError extends DurexError {
  constructor(readonly value: unknown) {
    super(`non-Error thrown: ${ThrownValueError.describe(value)}`, 'THROWN_VALUE');
  }

  /** Normalises anything a handler may throw into an Error. */
  static from(value: unknown): Error {
    return value instanceof Error ? value : new ThrownValueError(value);
  }

  private static describe(value: unknown): string {
    if (typeof value === 'string') return value;
    for (const describe of [JSON.stringify, String]) {
      try {
        const text = describe(value) as string | undefined;
        if (text !== undefined) return text;
      } catch {
        // Circular, a BigInt inside, or no way to a primitive (Object.create(null)): try the next.
      }
    }
    return `a value JavaScript cannot print (${typeof value})`;
  }
}
