import type { ValueTransformer } from 'typeorm';

// The entities map the same tables on PostgreSQL (timestamptz, jsonb, text[], bigint as text) and
// SQLite (epoch milliseconds, JSON text), so each transformer accepts both representations when
// reading. Writing goes through the storage, which owns the SQL of each database; `to` passes
// values through unchanged.

const passThrough = <T>(value: T): T => value;

/** A time column: a Date from PostgreSQL, or epoch milliseconds from SQLite. */
export const timeColumn: ValueTransformer = {
  to: passThrough,
  from: (value: unknown) => (value === null || value === undefined ? null : new Date(value as Date | number | string)),
};

/** A JSON column: parsed by the PostgreSQL driver, or JSON text in SQLite. */
export const jsonColumn: ValueTransformer = {
  to: passThrough,
  from: (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : (value ?? null)),
};

/** A list of strings: a text[] in PostgreSQL, or a JSON array in SQLite. */
export const listColumn: ValueTransformer = {
  to: passThrough,
  from: (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : (value ?? [])),
};

/** A bigint column, which the PostgreSQL driver returns as text. */
export const numberColumn: ValueTransformer = {
  to: passThrough,
  from: (value: unknown) => (value === null || value === undefined ? null : Number(value)),
};
