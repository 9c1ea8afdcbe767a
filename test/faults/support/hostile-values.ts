import fc from 'fast-check';

/**
 * Values a careless client, a bug or an attacker sends where durex expects a spec, a filter or a
 * request body. Valid values are mixed in, so the fuzz also proves what is accepted is kept exactly.
 */

/** Text that would change a statement's meaning if it were pasted into SQL instead of bound. */
export const SQL_INJECTIONS = [
  "x'); DROP TABLE durex_events; --",
  "' OR '1'='1",
  "x' OR 1=1 --",
  '"; DELETE FROM durex_instances; --',
  "1; SELECT pg_sleep(10); --",
  "') UNION SELECT id, name FROM durex_instances --",
  '%',
  '_',
  '\\',
  '*',
  '[a-z]*',
  '$1',
  '?',
  "E'\\x27'",
] as const;

/** Keys that reach for an object's prototype when code assigns them naively. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'] as const;

const TEXT_SPECIALS = ['', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\u202e', '🙂', 'e\u0301', '\n\t\r'] as const;

/** Any string: printable, binary, injections, prototype keys, NUL and lone surrogates, over the limits. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...SQL_INJECTIONS, ...PROTOTYPE_KEYS, ...TEXT_SPECIALS),
  fc.integer({ min: 250, max: 300 }).map((n) => 'k'.repeat(n)),
);

/**
 * Dates over all JavaScript can hold, the invalid one included: those outside years 0000–9999 must
 * be refused with an InvalidSpecError, the others stored to the millisecond.
 */
export const hostileDate = fc.date({ noInvalidDate: false });

/** Numbers where durations, counts and priorities go: valid ones, and every way a number goes wrong. */
export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.nat({ max: 100_000 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, -1, 1.5, 2 ** 31, 2 ** 53, 1e21, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constantFrom('5', '', null, true, [], {}),
  hostileDate,
);

/** An object that contains itself. */
function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { a: 1 };
  value.self = { back: value };
  return value;
}

/** Nested `depth` levels deep. */
function deep(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let n = 0; n < depth; n += 1) value = { n: value };
  return value;
}

class Money {
  constructor(readonly cents = 100) {}
}

/** Payloads for `data` and `metadata`: JSON objects, and everything JSON cannot carry faithfully. */
export const hostilePayload: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }) },
  {
    weight: 3,
    arbitrary: fc.object({
      maxDepth: 3,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
      withBoxedValues: true,
      stringUnit: 'binary',
    }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<() => unknown>(
      circular,
      () => deep(70),
      () => deep(20),
      () => ({ big: 'x'.repeat(1_100_000) }),
      () => JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'),
      () => ({ constructor: { prototype: { polluted: true } } }),
      () => ({ list: [1, undefined, 3] }),
      () => ({ when: new Date() }),
      () => ({ amount: new Money() }),
      () => ({ f: () => 1 }),
      () => ({ s: Symbol('s') }),
      () => ({ n: NaN }),
      () => ({ n: -0 }),
      () => ({ holes: [1, , 3] }), // eslint-disable-line no-sparse-arrays
      () => new Money(),
      () => [1, 2],
      () => 'text',
      () => null,
    ).map((make) => make()),
  },
);

/** A list of strings, or something that is not one. */
export const hostileList: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(hostileString, { maxLength: 5 }),
  fc.array(fc.constantFrom('a', 'b', 'c-1'), { maxLength: 4 }),
  fc.constantFrom('a,b', null, {}, [1, 2], [null], Array.from({ length: 70 }, (_, n) => `t${n}`)),
);

/** A field that is mostly absent or valid, and now and then hostile: so whole specs are often valid. */
function field<T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 6, arbitrary: valid }, { weight: 1, arbitrary: hostile });
}

const text = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });
const json = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }), { maxKeys: 5 });
const duration = fc.nat({ max: 1_000_000_000 });

/** A spec field by field: each absent, valid, or (less often) hostile. */
export function hostileSpec(name: string): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      name: fc.oneof({ weight: 12, arbitrary: fc.constant(name) }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: hostileNumber }),
      data: field(json, hostilePayload),
      metadata: field(json, hostilePayload),
      delay: field(duration, hostileNumber),
      period: field(duration, hostileNumber),
      timeout: field(duration, hostileNumber),
      deadline: field(duration, hostileNumber),
      retries: field(fc.nat({ max: 10_000 }), hostileNumber),
      priority: field(fc.integer({ min: -1_000, max: 1_000 }), hostileNumber),
      deadlineAt: field(fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), fc.oneof(hostileDate, hostileString, hostileNumber)),
      tags: field(fc.array(text, { maxLength: 5 }), hostileList),
      sequence: field(fc.constant([name]), hostileList),
      uniqueKey: field(fc.uuid(), hostileString),
      traceId: field(text, hostileString),
      correlationId: field(text, hostileString),
      extra: field(fc.constant(undefined), fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS, 'unknownField'), fc.jsonValue({ maxDepth: 1 }))) as fc.Arbitrary<
        [string, unknown] | undefined
      >,
    })
    .map(({ extra, ...fields }) => {
      // Absent fields are left out, as a caller would; a stray key is set as an own property, even `__proto__`.
      const spec: Record<string, unknown> = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
      if (extra) Object.defineProperty(spec, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true });
      return spec;
    });
}
