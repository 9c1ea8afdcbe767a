import { QueryFailedError } from 'typeorm';

/** The drivers' codes for a broken unique constraint: PostgreSQL's SQLSTATE, and better-sqlite3's. */
const UNIQUE_VIOLATION_CODES = new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE']);

/** True when `error` is a statement that broke a unique index or constraint, on PostgreSQL or SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const { code } = error.driverError as { code?: unknown };
  return typeof code === 'string' && UNIQUE_VIOLATION_CODES.has(code);
}
