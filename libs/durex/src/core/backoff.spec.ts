import { describe, expect, it } from 'vitest';
import { constantBackoff, defaultExponentialBackoff, exponentialBackoff, jittered, linearBackoff, noBackoff } from './backoff.js';

describe('backoff strategies', () => {
  it('computes each strategy as the reference does', () => {
    expect([1, 2, 3].map(noBackoff().nextDelay)).toEqual([0, 0, 0]);
    expect([1, 2, 3].map(constantBackoff(5_000).nextDelay)).toEqual([5_000, 5_000, 5_000]);
    expect([1, 2, 3, 100].map(linearBackoff(1_000, 60_000).nextDelay)).toEqual([1_000, 2_000, 3_000, 60_000]);
    const exp = exponentialBackoff({ initial: 1_000, max: 300_000, multiplier: 2 });
    expect([1, 2, 3, 4, 20].map(exp.nextDelay)).toEqual([1_000, 2_000, 4_000, 8_000, 300_000]);
  });

  it('jitters within ±rate around the wrapped strategy', () => {
    const base = constantBackoff(1_000);
    expect(jittered(base, 0.1, () => 0).nextDelay(1)).toBe(900);
    expect(jittered(base, 0.1, () => 1).nextDelay(1)).toBe(1_100);
    expect(jittered(base, 0.1, () => 0.5).nextDelay(1)).toBe(1_000);
  });

  it('defaults to 1 s doubling to 5 minutes with 10 % jitter', () => {
    const strategy = defaultExponentialBackoff();
    for (let i = 0; i < 50; i++) {
      const first = strategy.nextDelay(1);
      expect(first).toBeGreaterThanOrEqual(900);
      expect(first).toBeLessThanOrEqual(1_100);
      const capped = strategy.nextDelay(30);
      expect(capped).toBeGreaterThanOrEqual(270_000);
      expect(capped).toBeLessThanOrEqual(330_000);
    }
  });
});
