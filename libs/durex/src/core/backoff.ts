/**
 * Computes how long to wait before a retry. `attempt` is 1 for the first retry.
 *
 * @publicApi
 */
export interface BackoffStrategy {
  nextDelay(attempt: number): number;
}

/** Retry at once (the reference's default). @publicApi */
export function noBackoff(): BackoffStrategy {
  return { nextDelay: () => 0 };
}

/** The same delay before every retry. @publicApi */
export function constantBackoff(delayMs: number): BackoffStrategy {
  return { nextDelay: () => delayMs };
}

/** `initial × attempt`, capped at `max`. @publicApi */
export function linearBackoff(initialMs: number, maxMs: number): BackoffStrategy {
  return { nextDelay: (attempt) => Math.min(initialMs * Math.max(attempt, 1), maxMs) };
}

/** @publicApi */
export interface ExponentialBackoffOptions {
  /** @default 1000 */
  initial?: number;
  /** @default 300000 (5 minutes) */
  max?: number;
  /** @default 2 */
  multiplier?: number;
}

/** `initial × multiplier^(attempt-1)`, capped at `max`. @publicApi */
export function exponentialBackoff({ initial = 1_000, max = 300_000, multiplier = 2 }: ExponentialBackoffOptions = {}): BackoffStrategy {
  return { nextDelay: (attempt) => Math.min(initial * multiplier ** Math.max(attempt - 1, 0), max) };
}

/**
 * Spreads another strategy's delays by ±`rate` (0.1 = ±10 %) so that many failing jobs do not retry
 * in lockstep. `random` is injectable for tests.
 *
 * @publicApi
 */
export function jittered(strategy: BackoffStrategy, rate: number, random: () => number = Math.random): BackoffStrategy {
  return {
    nextDelay(attempt) {
      const base = strategy.nextDelay(attempt);
      return Math.max(0, Math.round(base * (1 + rate * (2 * random() - 1))));
    },
  };
}

/** 1 s, doubling, at most 5 minutes, with 10 % jitter. @publicApi */
export function defaultExponentialBackoff(): BackoffStrategy {
  return jittered(exponentialBackoff({ initial: 1_000, max: 300_000, multiplier: 2 }), 0.1);
}
