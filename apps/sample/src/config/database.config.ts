import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DUREX_ENTITIES, DUREX_MIGRATIONS } from 'nestjs-durex';
import { Reservation } from '../inventory/reservation.entity.js';
import { StockItem } from '../inventory/stock-item.entity.js';
import { SAMPLE_MIGRATIONS } from '../migrations/index.js';
import { SentEmail } from '../notifications/sent-email.entity.js';
import { OrderLine } from '../orders/order-line.entity.js';
import { Order } from '../orders/order.entity.js';
import { Payment } from '../payments/payment.entity.js';
import { type Env, readOptional } from './env.js';

/** The database: PostgreSQL when `DATABASE_URL` is set, else a SQLite file (`SQLITE_FILE`, default `durex.db`). */
export type DatabaseConfig = { type: 'postgres'; url: string } | { type: 'sqlite'; file: string };

/** Reads the database settings from the environment. */
export function loadDatabaseConfig(env: Env = process.env): DatabaseConfig {
  const url = readOptional(env, 'DATABASE_URL');
  return url ? { type: 'postgres', url } : { type: 'sqlite', file: readOptional(env, 'SQLITE_FILE') ?? 'durex.db' };
}

/**
 * The one DataSource of the application: its own tables and durex's side by side, so an order and
 * the workflow that processes it are written in one transaction.
 *
 * Migrations run at startup, durex's with the application's, recorded in one history (TypeORM's
 * `migrations` table). durex would otherwise track its own in `durex_migrations`; running both
 * would apply each durex migration twice, so DurexModule is configured with `migrate: false`.
 */
export function typeOrmOptions(config: DatabaseConfig): TypeOrmModuleOptions {
  const shared = {
    entities: [Order, OrderLine, StockItem, Reservation, Payment, SentEmail, ...DUREX_ENTITIES],
    migrations: [...DUREX_MIGRATIONS, ...SAMPLE_MIGRATIONS],
    migrationsRun: true,
  };
  if (config.type === 'postgres') return { type: 'postgres', url: config.url, applicationName: 'durex-sample', ...shared };
  // WAL lets readers in other processes (sqlite3 on the command line, say) look while the service writes.
  return { type: 'better-sqlite3', database: config.file, enableWAL: true, timeout: 5_000, ...shared };
}
