import type { RateWindow } from 'nestjs-durex';
import { type Env, readMilliseconds, readPositiveInteger } from './env.js';

/** The timings of the order workflow, in milliseconds. */
export interface WorkflowConfig {
  /**
   * `PAYMENT_DEADLINE_MS`, default 2 minutes: how long after the payment step is queued it may still
   * start an attempt. Past it, a payment still being retried expires and the order is cancelled.
   */
  paymentDeadline: number;
  /**
   * `PAYMENT_BACKOFF_INITIAL_MS` (default 5 s) and `PAYMENT_BACKOFF_MAX_MS` (default 1 minute): the
   * first wait before retrying a failed charge, doubled after each failure up to the maximum. With
   * the defaults the five retries would need more than two minutes, so an unreachable gateway ends in
   * the deadline rather than in spent retries.
   */
  paymentBackoff: { initial: number; max: number };
  /**
   * `EMAIL_RATE_MAX` (default 10) emails started in any `EMAIL_RATE_WINDOW_MS` (default 1 s), across
   * every process of the service: the mail provider's sending limit.
   */
  emailRate: RateWindow;
  /** `CLEANUP_PERIOD_MS`, default 5 minutes: how often abandoned orders are looked for. */
  cleanupPeriod: number;
  /** An order still PLACED this long after it was created is abandoned: 1 hour. */
  abandonedAfter: number;
}

/** Reads the workflow timings from the environment. */
export function loadWorkflowConfig(env: Env = process.env): WorkflowConfig {
  return {
    paymentDeadline: readMilliseconds(env, 'PAYMENT_DEADLINE_MS', 120_000),
    paymentBackoff: {
      initial: readMilliseconds(env, 'PAYMENT_BACKOFF_INITIAL_MS', 5_000),
      max: readMilliseconds(env, 'PAYMENT_BACKOFF_MAX_MS', 60_000),
    },
    emailRate: {
      max: readPositiveInteger(env, 'EMAIL_RATE_MAX', 10),
      per: readMilliseconds(env, 'EMAIL_RATE_WINDOW_MS', 1_000),
    },
    cleanupPeriod: readMilliseconds(env, 'CLEANUP_PERIOD_MS', 300_000),
    abandonedAfter: 3_600_000,
  };
}

/**
 * The workflow timings, read once when the application loads: they are `@Command` options, and
 * decorator arguments are evaluated when the command classes are defined, before any provider exists.
 */
export const WORKFLOW_CONFIG: WorkflowConfig = loadWorkflowConfig();
