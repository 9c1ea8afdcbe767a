/**
 * Base class of every error durex throws, so callers can tell them from their own with one check.
 * `code` is stable across versions and safe to match on.
 *
 * @publicApi
 */
export class DurexError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
