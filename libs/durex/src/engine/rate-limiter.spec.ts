import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('caps per command and globally, and releases once', () => {
    const limiter = new RateLimiter({ email: 2 }, 3);
    const a = limiter.tryAcquire('email')!;
    limiter.tryAcquire('email');
    expect(limiter.tryAcquire('email')).toBeNull();
    limiter.tryAcquire('sms');
    expect(limiter.tryAcquire('sms')).toBeNull();
    expect(limiter.stats()).toEqual({ globalLimit: 3, globalCurrent: 3, commands: { email: { limit: 2, current: 2 } } });
    a();
    a();
    expect([limiter.current('email'), limiter.globalCurrent(), limiter.available('email')]).toEqual([1, 2, 1]);
  });

  it('makes acquire wait for a slot, and gives up when its signal aborts', async () => {
    const limiter = new RateLimiter({ job: 1 });
    const first = await limiter.acquire('job');
    let second = false;
    const waiting = limiter.acquire('job').then((release) => ((second = true), release));
    const controller = new AbortController();
    const abandoned = limiter.acquire('job', controller.signal);
    controller.abort(new Error('gave up'));
    await expect(abandoned).rejects.toThrow('gave up');
    expect(second).toBe(false);
    first();
    (await waiting)();
    expect(second).toBe(true);
    expect(limiter.current('job')).toBe(0);
  });

  it('removes limits set to 0', () => {
    const limiter = new RateLimiter();
    limiter.setLimit('x', 1);
    limiter.tryAcquire('x');
    expect(limiter.tryAcquire('x')).toBeNull();
    limiter.setLimit('x', 0);
    expect(limiter.tryAcquire('x')).not.toBeNull();
    expect(limiter.available('y')).toBe(Infinity);
  });
});
