import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from './errors/invalid-spec.error.js';
import { assertJsonPayload, DEFAULT_PAYLOAD_LIMITS } from './json.js';
import { Result } from './result.js';
import { spec, validateSpec } from './spec.js';

describe('spec validation', () => {
  const limits = DEFAULT_PAYLOAD_LIMITS;

  it('accepts a complete spec', () => {
    expect(() =>
      validateSpec({
        name: 'sendEmail', data: { to: 'a@b', nested: { list: [1, 'two', null, { deep: true }] } }, delay: 0, period: 1, timeout: 5,
        deadline: 10, deadlineAt: new Date(), retries: 3, sequence: ['a', 'b'], priority: -5, tags: ['x'], uniqueKey: 'k',
        traceId: 't', correlationId: 'c', metadata: { source: 'api' },
      }, limits),
    ).not.toThrow();
  });

  it.each([
    [{}, 'spec.name'],
    [{ name: 'has space' }, 'spec.name'],
    [{ name: 'x'.repeat(201) }, 'spec.name'],
    [{ name: 'a', data: 'str' }, 'spec.data'],
    [{ name: 'a', data: { d: new Date() } }, 'spec.data.d'],
    [{ name: 'a', data: { m: new Map() } }, 'spec.data.m'],
    [{ name: 'a', data: { f: () => 1 } }, 'spec.data.f'],
    [{ name: 'a', data: { list: [1, undefined] } }, 'spec.data.list[1]'],
    [{ name: 'a', data: { s: '\ud800' } }, 'spec.data.s'],
    [{ name: 'a', delay: -1 }, 'spec.delay'],
    [{ name: 'a', timeout: '5' }, 'spec.timeout'],
    [{ name: 'a', retries: 1.2 }, 'spec.retries'],
    [{ name: 'a', sequence: ['ok', ''] }, 'spec.sequence[1]'],
    [{ name: 'a', tags: new Array(65).fill('t') }, 'spec.tags'],
    [{ name: 'a', uniqueKey: '' }, 'spec.uniqueKey'],
    [{ name: 'a', retry: 3 }, 'spec.retry'],
  ])('rejects %j naming %s', (bad, field) => {
    const error = (() => {
      try {
        validateSpec(bad, limits);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect((error as InvalidSpecError).field).toBe(field);
  });

  it('rejects data nested too deep and accepts prototype-named keys as plain data', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 70; i++) deep = (deep.next = {}) as Record<string, unknown>;
    expect(() => assertJsonPayload(root, 'data')).toThrow(/deeper than 64/);
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}');
    expect(() => assertJsonPayload(hostile, 'data')).not.toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('builds specs immutably with the reference helpers', () => {
    const base = spec('sendEmail', { to: 'a@b' });
    const built = base.retries(3).delay(1_000).priority(2).tags('a', 'b').uniqueKey('k').traceId('t').correlationId('c').timeout(5).deadline(9).period(7).sequence('x', 'y').build();
    expect(built).toEqual({ name: 'sendEmail', data: { to: 'a@b' }, retries: 3, delay: 1_000, priority: 2, tags: ['a', 'b'], uniqueKey: 'k', traceId: 't', correlationId: 'c', timeout: 5, deadline: 9, period: 7, sequence: ['x', 'y'] });
    expect(base.build()).toEqual({ name: 'sendEmail', data: { to: 'a@b' } });
  });

  it('makes Results as the reference does', () => {
    expect(Result.empty()).toMatchObject({ commands: [], repeat: false, retry: false });
    expect(Result.repeat()).toMatchObject({ repeat: true });
    expect(Result.retry()).toMatchObject({ retry: true });
    expect(Result.next({ name: 'n' }).commands).toEqual([{ name: 'n' }]);
    expect(Result.spawn({ name: 'a' }, { name: 'b' }).commands).toHaveLength(2);
    expect(Result.isResult({ commands: [], repeat: false, retry: false })).toBe(true);
    expect(Result.isResult({ commands: [] })).toBe(false);
  });
});
