import { InvalidSpecError } from './errors/invalid-spec.error.js';

/** A value that survives a JSON round trip unchanged. @publicApi */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. @publicApi */
export type JsonObject = { [key: string]: JsonValue };

/** The default shape of command data when no type is given. @publicApi */
export type CommandData = Record<string, unknown>;

/** Limits on stored payloads. */
export interface PayloadLimits {
  /** Largest serialised payload, in bytes. */
  maxBytes: number;
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
}

export const DEFAULT_PAYLOAD_LIMITS: PayloadLimits = { maxBytes: 1_048_576, maxDepth: 64 };

/**
 * Checks that a value is plain JSON that every storage (memory, SQLite, PostgreSQL jsonb) stores and
 * reads back exactly, and returns its serialised size. Anything that JSON would silently change
 * (NaN, Dates, class instances, undefined in arrays) or PostgreSQL would refuse (NUL, lone
 * surrogates) is rejected with the path of the culprit, so nothing is half-written.
 */
export function assertJsonPayload(value: unknown, path: string, limits: PayloadLimits = DEFAULT_PAYLOAD_LIMITS): number {
  walk(value, path, 0, new Set(), limits);
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  if (bytes > limits.maxBytes) {
    throw new InvalidSpecError(path, `is ${bytes} bytes serialised, over the limit of ${limits.maxBytes} bytes`);
  }
  return bytes;
}

function walk(value: unknown, path: string, depth: number, ancestors: Set<object>, limits: PayloadLimits): void {
  switch (typeof value) {
    case 'string':
      assertStorableString(value, path);
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidSpecError(path, `is ${value}, which JSON cannot represent`);
      return;
    case 'bigint':
      throw new InvalidSpecError(path, 'is a BigInt, which JSON cannot represent; store it as a string');
    case 'undefined':
      throw new InvalidSpecError(path, 'is undefined, which JSON cannot represent; use null or leave the key out');
    case 'function':
    case 'symbol':
      throw new InvalidSpecError(path, `is a ${typeof value}, which cannot be stored`);
  }
  if (value === null) return;
  const object = value as object;
  if (depth >= limits.maxDepth) throw new InvalidSpecError(path, `is nested deeper than ${limits.maxDepth} levels`);
  if (ancestors.has(object)) throw new InvalidSpecError(path, 'is circular (it contains itself)');
  ancestors.add(object);
  if (Array.isArray(object)) {
    for (const [index, item] of object.entries()) walk(item, `${path}[${index}]`, depth + 1, ancestors, limits);
  } else {
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const kind = object instanceof Date ? 'a Date; store date.toISOString()' : `an instance of ${proto?.constructor?.name ?? 'a class'}`;
      throw new InvalidSpecError(path, `is ${kind}, not a plain object`);
    }
    for (const key of Object.keys(object)) {
      assertStorableString(key, `${path} key "${key.slice(0, 40)}"`);
      const child = (object as Record<string, unknown>)[key];
      // JSON.stringify drops undefined-valued keys; the object reads back without them, which is the same data.
      if (child !== undefined) walk(child, `${path}.${key}`, depth + 1, ancestors, limits);
    }
  }
  ancestors.delete(object);
}

function assertStorableString(value: string, path: string): void {
  if (value.includes('\u0000')) throw new InvalidSpecError(path, 'contains a NUL character, which PostgreSQL cannot store');
  if (!value.isWellFormed()) throw new InvalidSpecError(path, 'contains a lone UTF-16 surrogate');
}

/** True for an object literal (not an array, Date or class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
