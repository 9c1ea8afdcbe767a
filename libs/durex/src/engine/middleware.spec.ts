import { describe, expect, it } from 'vitest';
import { currentTraceId } from '../core/context.js';
import { RateLimitTimeoutError } from '../core/errors/rate-limit-timeout.error.js';
import { Instance } from '../core/instance.js';
import { Result } from '../core/result.js';
import { Status } from '../core/status.js';
import { composeMiddleware, type MiddlewareContext, rateLimitMiddleware, tracingMiddleware } from './middleware.js';
import { RateLimiter } from './rate-limiter.js';

function context(name = 'job', traceId: string | null = 't-1'): MiddlewareContext {
  const at = new Date();
  const instance = new Instance({
    id: 'i', name, data: {}, status: Status.STARTED, retries: 0, maxRetries: 0, attempt: 1, sequence: [], parentId: null,
    priority: 0, tags: [], uniqueKey: null, traceId, correlationId: 'c-1', createdAt: at, readyAt: at, startedAt: at,
    completedAt: null, deadlineAt: null, timeout: 0, period: 0, error: null, metadata: {}, leaseOwner: 'w', leaseExpiresAt: at,
  });
  return { instance, handler: { name, execute: () => undefined }, signal: new AbortController().signal };
}

describe('rateLimitMiddleware', () => {
  it('holds a slot while the attempt runs and gives up after its timeout', async () => {
    const limiter = new RateLimiter({ job: 1 });
    const mw = rateLimitMiddleware(limiter, 30);
    let release!: () => void;
    const first = composeMiddleware([mw], context(), () => new Promise<Result>((resolve) => (release = () => resolve(Result.empty()))))();
    await new Promise((resolve) => setImmediate(resolve));
    expect(limiter.current('job')).toBe(1);
    await expect(composeMiddleware([mw], context(), async () => Result.empty())()).rejects.toBeInstanceOf(RateLimitTimeoutError);
    release();
    await first;
    expect(limiter.current('job')).toBe(0);
  });
});

describe('tracingMiddleware', () => {
  it('hands the ids to the injector around the attempt', async () => {
    const seen: string[] = [];
    const mw = tracingMiddleware(async (ids, run) => {
      seen.push(`${ids.traceId}/${ids.correlationId}`);
      return run();
    });
    await composeMiddleware([mw], context(), async () => (seen.push(`inside:${currentTraceId() ?? 'none'}`), Result.empty()))();
    expect(seen).toEqual(['t-1/c-1', 'inside:none']);
  });
});
