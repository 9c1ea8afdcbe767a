import type { PayloadOf, SpecFor } from './durex-commands.js';
import { InvalidSpecError } from './errors/invalid-spec.error.js';
import { assertJsonPayload, type CommandData, isPlainObject, type PayloadLimits } from './json.js';
import { isStorableTime, STORABLE_DATE_RANGE } from './storable-date.js';

/**
 * What to run: the specification an instance is created from. Durations are milliseconds.
 *
 * @publicApi
 */
export interface Spec<T = CommandData> {
  /** The command name; a handler registered under it runs the instance. */
  name: string;
  /** The payload, a plain JSON object. */
  data?: T;
  /** Wait this long before the first run. */
  delay?: number;
  /** Interval between runs when the handler returns `Result.repeat()`. */
  period?: number;
  /** Longest time one attempt may run; past it `ctx.signal` aborts and the attempt fails. */
  timeout?: number;
  /** Relative deadline: if the instance has not started within this time it expires. */
  deadline?: number;
  /** Absolute deadline; `deadline` wins when both are given. */
  deadlineAt?: Date;
  /** How many times a failed attempt is retried before the instance fails. */
  retries?: number;
  /** Commands to run after this one, in order, each receiving the accumulated data. */
  sequence?: string[];
  /** Higher runs first among ready instances. */
  priority?: number;
  /** Labels for filtering and `cancelByTag`. */
  tags?: string[];
  /** At most one active (PENDING, STARTED, REPEATING) instance may hold a key. */
  uniqueKey?: string;
  /**
   * Counts against a cluster-wide concurrency limit shared by every instance with the same key,
   * whatever its command name (the executor's `concurrencyKeyLimit`, 1 by default): `'tenant:42'`
   * runs at most that many of tenant 42's jobs at once across all processes.
   */
  concurrencyKey?: string;
  /** Propagated to every child; defaults to the trace of the code that enqueues. */
  traceId?: string;
  /** Links a workflow; defaults to the enqueuing context's, else to the root instance's own id. */
  correlationId?: string;
  /** Free-form operational metadata, kept apart from the payload. */
  metadata?: CommandData;
  /**
   * Ids of existing instances this one waits for (fan-in, for `add` and `addMany`): it stays
   * PENDING with `readyAt` `WAITING_READY_AT` until every one of them has ended, then runs once
   * and reads their outcomes with `ctx.outcomes()`. Those already ended count at once. Not with `delay`.
   */
  dependsOn?: string[];
}

/** The spec fields a command can default (the reference's `Defaulter`). @publicApi */
export type SpecDefaults = Omit<Spec, 'name' | 'data' | 'traceId' | 'correlationId' | 'uniqueKey' | 'concurrencyKey' | 'deadlineAt' | 'dependsOn'>;

const MAX_NAME_LENGTH = 200;
const MAX_TEXT_LENGTH = 255;
const MAX_TAGS = 64;
const MAX_SEQUENCE = 256;
const MAX_DEPENDENCIES = 10_000;
const MAX_RETRIES = 10_000;
const MAX_PRIORITY = 2 ** 31 - 1;
/** About 100 years: far enough for any real delay, small enough for every timestamp type. */
const MAX_DURATION = 100 * 365 * 86_400_000;

/**
 * Rejects a malformed spec with an {@link InvalidSpecError} naming the field. Called before anything is
 * stored, so a bad spec never leaves a row behind.
 */
export function validateSpec(spec: unknown, limits: PayloadLimits, path = 'spec'): asserts spec is Spec {
  if (!isPlainObject(spec)) throw new InvalidSpecError(path, 'must be an object');
  const s = spec as Record<string, unknown>;
  assertCommandName(s.name, `${path}.name`);
  if (s.data !== undefined) {
    if (!isPlainObject(s.data)) throw new InvalidSpecError(`${path}.data`, 'must be a plain object');
    assertJsonPayload(s.data, `${path}.data`, limits);
  }
  if (s.metadata !== undefined) {
    if (!isPlainObject(s.metadata)) throw new InvalidSpecError(`${path}.metadata`, 'must be a plain object');
    assertJsonPayload(s.metadata, `${path}.metadata`, limits);
  }
  for (const field of ['delay', 'period', 'timeout', 'deadline'] as const) {
    assertOptionalInteger(s[field], `${path}.${field}`, 0, MAX_DURATION, 'milliseconds');
  }
  assertOptionalInteger(s.retries, `${path}.retries`, 0, MAX_RETRIES);
  assertOptionalInteger(s.priority, `${path}.priority`, -MAX_PRIORITY, MAX_PRIORITY);
  if (s.deadlineAt !== undefined) {
    if (!(s.deadlineAt instanceof Date && Number.isFinite(s.deadlineAt.getTime()))) throw new InvalidSpecError(`${path}.deadlineAt`, 'must be a valid Date');
    if (!isStorableTime(s.deadlineAt.getTime())) throw new InvalidSpecError(`${path}.deadlineAt`, `must be ${STORABLE_DATE_RANGE}`);
  }
  assertStringList(s.tags, `${path}.tags`, MAX_TAGS, (tag, p) => assertText(tag, p));
  assertStringList(s.sequence, `${path}.sequence`, MAX_SEQUENCE, assertCommandName);
  assertStringList(s.dependsOn, `${path}.dependsOn`, MAX_DEPENDENCIES, (id, p) => assertText(id, p));
  if (s.dependsOn !== undefined && (s.dependsOn as unknown[]).length > 0 && s.delay !== undefined) {
    throw new InvalidSpecError(`${path}.delay`, 'cannot be combined with dependsOn: the instance is ready when its last dependency ends');
  }
  for (const field of ['uniqueKey', 'concurrencyKey', 'traceId', 'correlationId'] as const) {
    if (s[field] !== undefined) assertText(s[field], `${path}.${field}`);
  }
  const known = new Set(SPEC_FIELDS);
  const unknown = Object.keys(s).filter((key) => !known.has(key));
  if (unknown.length) throw new InvalidSpecError(`${path}.${unknown[0]}`, `is not a spec field (expected one of ${SPEC_FIELDS.join(', ')})`);
}

const SPEC_FIELDS: readonly string[] = [
  'name', 'data', 'delay', 'period', 'timeout', 'deadline', 'deadlineAt', 'retries', 'sequence',
  'priority', 'tags', 'uniqueKey', 'traceId', 'correlationId', 'metadata', 'dependsOn', 'concurrencyKey',
];

/** Checks a command name: a non-empty string of printable characters, at most 200 long. */
export function assertCommandName(value: unknown, path: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidSpecError(path, 'must be a non-empty string');
  if (value.length > MAX_NAME_LENGTH) throw new InvalidSpecError(path, `must be at most ${MAX_NAME_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(value)) throw new InvalidSpecError(path, 'must not contain whitespace or control characters');
  if (!value.isWellFormed()) throw new InvalidSpecError(path, 'must not contain lone UTF-16 surrogates');
}

function assertText(value: unknown, path: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidSpecError(path, 'must be a non-empty string');
  if (value.length > MAX_TEXT_LENGTH) throw new InvalidSpecError(path, `must be at most ${MAX_TEXT_LENGTH} characters`);
  if (value.includes('\u0000') || !value.isWellFormed()) throw new InvalidSpecError(path, 'must not contain NUL or lone surrogates');
}

function assertOptionalInteger(value: unknown, path: string, min: number, max: number, unit = ''): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidSpecError(path, `must be an integer from ${min} to ${max}${unit ? ` ${unit}` : ''}, got ${String(value)}`);
  }
}

function assertStringList(value: unknown, path: string, max: number, check: (item: unknown, path: string) => void): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw new InvalidSpecError(path, 'must be an array of strings');
  if (value.length > max) throw new InvalidSpecError(path, `must have at most ${max} entries`);
  value.forEach((item, index) => check(item, `${path}[${index}]`));
}

/**
 * An immutable builder for specs, the TypeScript form of the reference's `Spec.WithX` helpers:
 *
 * ```ts
 * await client.add(spec('sendEmail', { to }).retries(3).delay(minutes(5)).build());
 * ```
 *
 * @publicApi
 */
export class SpecBuilder<N extends string> {
  constructor(private readonly value: SpecFor<N>) {}

  data(data: PayloadOf<N>): SpecBuilder<N> { return this.with({ data } as Partial<SpecFor<N>>); }
  delay(ms: number): SpecBuilder<N> { return this.with({ delay: ms } as Partial<SpecFor<N>>); }
  deadline(ms: number): SpecBuilder<N> { return this.with({ deadline: ms } as Partial<SpecFor<N>>); }
  deadlineAt(at: Date): SpecBuilder<N> { return this.with({ deadlineAt: at } as Partial<SpecFor<N>>); }
  timeout(ms: number): SpecBuilder<N> { return this.with({ timeout: ms } as Partial<SpecFor<N>>); }
  period(ms: number): SpecBuilder<N> { return this.with({ period: ms } as Partial<SpecFor<N>>); }
  retries(n: number): SpecBuilder<N> { return this.with({ retries: n } as Partial<SpecFor<N>>); }
  priority(p: number): SpecBuilder<N> { return this.with({ priority: p } as Partial<SpecFor<N>>); }
  tags(...tags: string[]): SpecBuilder<N> { return this.with({ tags } as Partial<SpecFor<N>>); }
  sequence(...names: string[]): SpecBuilder<N> { return this.with({ sequence: names } as Partial<SpecFor<N>>); }
  uniqueKey(key: string): SpecBuilder<N> { return this.with({ uniqueKey: key } as Partial<SpecFor<N>>); }
  concurrencyKey(key: string): SpecBuilder<N> { return this.with({ concurrencyKey: key } as Partial<SpecFor<N>>); }
  traceId(id: string): SpecBuilder<N> { return this.with({ traceId: id } as Partial<SpecFor<N>>); }
  correlationId(id: string): SpecBuilder<N> { return this.with({ correlationId: id } as Partial<SpecFor<N>>); }
  dependsOn(...ids: string[]): SpecBuilder<N> { return this.with({ dependsOn: ids } as Partial<SpecFor<N>>); }

  /** The finished spec, a plain object. */
  build(): SpecFor<N> {
    return { ...this.value };
  }

  private with(patch: Partial<SpecFor<N>>): SpecBuilder<N> {
    return new SpecBuilder<N>({ ...this.value, ...patch });
  }
}

/**
 * Starts a spec with a typed payload (the reference's `Typed`).
 *
 * @publicApi
 */
export function spec<N extends string>(name: N, ...data: PayloadOf<N> extends CommandData ? [data?: PayloadOf<N>] : [data: PayloadOf<N>]): SpecBuilder<N> {
  const value = { name } as SpecFor<N>;
  if (data[0] !== undefined) value.data = data[0];
  return new SpecBuilder<N>(value);
}
