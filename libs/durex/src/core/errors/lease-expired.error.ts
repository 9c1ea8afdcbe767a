import { DurexError } from './durex.error.js';

/**
 * The process running an attempt stopped renewing its lease (it died or stalled), so the attempt was
 * reclaimed. Spends a retry like any failure, so a job that keeps crashing its process ends in the
 * dead letter queue instead of looping.
 *
 * @publicApi
 */
export class LeaseExpiredError extends DurexError {
  constructor(
    readonly owner: string,
    readonly expiredAt: Date,
  ) {
    super(`durex: the lease of worker ${owner} expired at ${expiredAt.toISOString()} while the attempt ran (its process died or stalled)`, 'LEASE_EXPIRED');
  }
}
