import { STORABLE_DATE_RANGE } from '../../core/storable-date.js';

/*
 * Every message the admin API writes, in one place: each names the culprit and the fix.
 */

/** Logged at startup when the admin API is mounted without a guard. */
export function unprotectedAdminMessage(path: string): string {
  return (
    `the durex admin API at /${path} has no guard: anyone who reaches this HTTP server can list, enqueue, cancel, replay and purge commands. ` +
    `Protect it with DurexAdminModule.register({ path: '${path}', guard: AdminGuard }), where AdminGuard is a CanActivate class or instance ` +
    '(an auth or role check). If a global guard (APP_GUARD) already protects every route, pass it here too to silence this warning.'
  );
}

/** A write request to an admin API registered with `readOnly: true`. */
export function readOnlyMessage(operation: string): string {
  return `the durex admin API is read-only, so it cannot ${operation}; register it without readOnly: true to allow changes`;
}

/** The body of every unexpected failure: the details go to the log, never to the client. */
export const INTERNAL_ERROR_MESSAGE = 'Internal server error: the failure was logged on the server';

/** Logged with the stack of an unexpected failure. */
export function unexpectedFailureMessage(method: string, url: string): string {
  return `durex admin ${method} ${url} failed unexpectedly`;
}

/** `register({ guard })` given something that is not a guard. */
export function invalidGuardMessage(received: unknown): string {
  const described = typeof received === 'object' && received !== null ? `an object (${received.constructor?.name ?? 'no prototype'})` : typeof received;
  return `must be a CanActivate class or an object with a canActivate() method, got ${described}`;
}

/** `register({ path })` that is not a usable route prefix. */
export function invalidPathMessage(received: unknown): string {
  return `must be a non-empty route prefix such as 'durex' or 'ops/durex', got ${JSON.stringify(received) ?? String(received)}`;
}

/** A path or query value that is not an instance id. */
export const ID_MESSAGE = "$property must be a command instance id: 1 to 128 letters, digits, '.', '_', ':' or '-'";

/** Filter text holding what no storage can compare. */
export const FILTER_TEXT_MESSAGE = '$property must be text without NUL characters or lone surrogates';

/** A value that is not a whole number. */
export const INTEGER_MESSAGE = '$property must be a whole number (digits only)';

/** A value that is not a date and time. */
export const DATE_MESSAGE = `$property must be an ISO 8601 date and time ${STORABLE_DATE_RANGE}, such as 2024-05-01T12:00:00Z`;

/** A request body that is a JSON array or a bare value. */
export const BODY_NOT_OBJECT_MESSAGE = 'the request body must be a JSON object';

/** A throughput request whose window holds more buckets than one request may count. */
export function tooManyBucketsMessage(maxBuckets: number): string {
  return `window / bucket must be at most ${maxBuckets} buckets: widen the bucket or shorten the window`;
}
