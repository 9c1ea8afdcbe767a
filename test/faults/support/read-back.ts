import type { Instance } from 'nestjs-durex';
import { expect } from 'vitest';

/**
 * -0 as 0, everywhere in a value. The databases store JSON's 0 for a -0 in a payload (a known
 * difference from memory, proven on its own in hostile-spec.e2e-spec.ts); the fuzz compares past it
 * so it keeps looking for other differences.
 */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) Object.defineProperty(copy, key, { value: withoutNegativeZero(item), enumerable: true });
  return copy;
}

/** A number field as stored: -0 ms is 0 ms (memory keeps the -0, the databases do not). */
const plain = (value: unknown, fallback: number) => ((value as number | undefined) ?? fallback) + 0;

/**
 * Asserts that an accepted spec was stored exactly as given: every field read back from storage is
 * the one the spec set (or its default), the payloads deep-equal.
 */
export function expectStoredAsSpecified(spec: Record<string, unknown>, stored: Instance): void {
  const created = stored.createdAt.getTime();
  expect(stored.name).toBe(spec.name);
  expect(withoutNegativeZero(stored.data)).toEqual(withoutNegativeZero(spec.data ?? {}));
  expect(withoutNegativeZero(stored.metadata)).toEqual(withoutNegativeZero(spec.metadata ?? {}));
  expect(stored.tags).toEqual([...new Set((spec.tags as string[] | undefined) ?? [])]);
  expect(stored.sequence).toEqual(spec.sequence ?? []);
  expect(stored.priority + 0).toBe(plain(spec.priority, 0));
  expect(stored.maxRetries + 0).toBe(plain(spec.retries, 0));
  expect(stored.timeout + 0).toBe(plain(spec.timeout, 0));
  expect(stored.period + 0).toBe(plain(spec.period, 0));
  expect(stored.uniqueKey).toBe(spec.uniqueKey ?? null);
  expect(stored.traceId).toBe(spec.traceId ?? null);
  if (spec.correlationId !== undefined) expect(stored.correlationId).toBe(spec.correlationId);
  expect(stored.readyAt.getTime() - created).toBe(plain(spec.delay, 0));
  const deadline = spec.deadline !== undefined ? created + plain(spec.deadline, 0) : ((spec.deadlineAt as Date | undefined)?.getTime() ?? null);
  expect(stored.deadlineAt?.getTime() ?? null).toBe(deadline);
}
