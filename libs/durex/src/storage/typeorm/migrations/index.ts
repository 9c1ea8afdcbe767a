import type { MigrationInterface } from 'typeorm';
import { DurexInit1795824000000 } from './1795824000000-durex-init.js';
import { DurexLeanIndexes1795900000000 } from './1795900000000-durex-lean-indexes.js';
import { DurexConcurrencyLimits1796000000000 } from './1796000000000-durex-concurrency-limits.js';
import { DurexFanIn1796100000000 } from './1796100000000-durex-fan-in.js';

export { DurexInit1795824000000 } from './1795824000000-durex-init.js';
export { DurexLeanIndexes1795900000000 } from './1795900000000-durex-lean-indexes.js';
export { DurexConcurrencyLimits1796000000000 } from './1796000000000-durex-concurrency-limits.js';
export { DurexFanIn1796100000000 } from './1796100000000-durex-fan-in.js';

/** A durex migration class; durex passes the schema, TypeORM's own runner passes nothing. @publicApi */
export type DurexMigrationClass = new (schema?: string) => MigrationInterface;

/**
 * durex's migrations, oldest first. `storage.migrate()` runs them; an application that manages its
 * schema with TypeORM migrations may add them to its DataSource's `migrations` instead (they are
 * idempotent, so running both ways is harmless).
 *
 * @publicApi
 */
export const DUREX_MIGRATIONS: readonly DurexMigrationClass[] = [
  DurexInit1795824000000,
  DurexLeanIndexes1795900000000,
  DurexConcurrencyLimits1796000000000,
  DurexFanIn1796100000000,
];
