import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import pg from 'pg';
import request from 'supertest';
import { expect, vi } from 'vitest';
import type { CreateOrderDto } from '../../apps/sample/src/orders/dto/create-order.dto.js';
import type { OrderView } from '../../apps/sample/src/orders/dto/order-view.dto.js';
import { TEST_CARDS } from '../../apps/sample/src/payments/test-cards.js';
import { postgresUrl } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

/** The databases the sample runs on. */
export const SAMPLE_DATABASES = ['sqlite', 'postgres'] as const;
export type SampleDatabase = (typeof SAMPLE_DATABASES)[number];

/**
 * The environment of a test application: timings short enough for a test. With a 100 ms backoff
 * doubling to 2 s, the five retries of a charge would take 3.1 s, so the 2 s payment deadline passes
 * first, while a flaky card's two retries need 0.3 s. Two emails may start in any 500 ms, so an order's
 * two emails go at once and a third waits.
 *
 * The application reads its timings and ADMIN_TOKEN when its modules load (they are `@Command` and
 * module options), so one environment holds for a whole test file: pass the same to every
 * {@link startSampleApp} call of a file.
 */
export const TEST_ENV: Readonly<Record<string, string>> = {
  PAYMENT_DEADLINE_MS: '2000',
  PAYMENT_BACKOFF_INITIAL_MS: '100',
  PAYMENT_BACKOFF_MAX_MS: '2000',
  EMAIL_RATE_MAX: '2',
  EMAIL_RATE_WINDOW_MS: '500',
};

/** A running sample application on a database of its own. */
export interface SampleApp {
  app: INestApplication;
  /** Closes the application and deletes its database. */
  dispose(): Promise<void>;
}

/**
 * Boots the sample's AppModule, as `main.ts` does but without listening, on a fresh database: a
 * SQLite file in a temporary directory, or a PostgreSQL database created for the test and dropped
 * afterwards.
 */
export async function startSampleApp(database: SampleDatabase, env = TEST_ENV): Promise<SampleApp> {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const target = await createDatabase(database);
  vi.stubEnv('DATABASE_URL', target.url ?? '');
  vi.stubEnv('SQLITE_FILE', target.file ?? '');
  let app: INestApplication | undefined;
  try {
    const { AppModule } = await import('../../apps/sample/src/app.module.js');
    const { mountOpenApi } = await import('../../apps/sample/src/operations/openapi.js');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    mountOpenApi(app);
    await app.init();
  } catch (error) {
    await app?.close();
    await target.drop();
    throw error;
  } finally {
    vi.unstubAllEnvs();
  }
  const started = app;
  return {
    app: started,
    async dispose() {
      await started.close();
      await target.drop();
    },
  };
}

interface TestDatabase {
  url?: string;
  file?: string;
  drop(): Promise<void>;
}

async function createDatabase(database: SampleDatabase): Promise<TestDatabase> {
  if (database === 'sqlite') {
    const directory = await mkdtemp(join(tmpdir(), 'durex-sample-'));
    return { file: join(directory, 'durex.db'), drop: () => rm(directory, { recursive: true, force: true }) };
  }
  // A database per test, named after the test file, the test and the worker, like the storage suites' schemas.
  const seed = `${expect.getState().testPath ?? ''}\0${expect.getState().currentTestName ?? ''}\0${process.pid}`;
  const name = `sample_${createHash('sha1').update(seed).digest('hex').slice(0, 12)}`;
  const server = postgresUrl();
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A valid order for `cardNumber`: two lines, shipped to `country`. */
export function anOrder(cardNumber: string = TEST_CARDS.succeeds, country = 'GB'): CreateOrderDto {
  return {
    customerEmail: 'ada@example.com',
    lines: [
      { sku: 'MUG-BLUE', quantity: 2, unitPrice: 12.5 },
      { sku: 'STICKER-PACK', quantity: 3, unitPrice: 1.99 },
    ],
    shippingAddress: { name: 'Ada Lovelace', street: '12 St James Square', city: 'London', country },
    cardNumber,
  };
}

/** POSTs an order and returns its id, checking the 202. */
export async function placeOrder(app: INestApplication, order: CreateOrderDto, headers: Record<string, string> = {}): Promise<string> {
  const response = await request(app.getHttpServer()).post('/orders').set(headers).send(order).expect(202);
  return (response.body as { id: string }).id;
}

/** GETs the order until `done` holds for it, and returns it. On timeout the error shows the order as last seen. */
export function waitForOrder(app: INestApplication, id: string, done: (order: OrderView) => boolean, description: string): Promise<OrderView> {
  return waitFor(
    async () => {
      const response = await request(app.getHttpServer()).get(`/orders/${id}`).expect(200);
      const order = response.body as OrderView;
      if (done(order)) return order;
      // Thrown, not returned: waitFor reports the last error, so a timeout says where the order stood.
      const steps = order.workflow.map((step) => `${step.name}:${step.status}#${step.attempt}`).join(' ');
      throw new Error(`${order.status} (${order.failureReason ?? 'no failure'}); ${steps}; ${order.emails.length} emails`);
    },
    { timeout: 15_000, interval: 25, description: `order ${id}: ${description}` },
  );
}

/** True once none of the order's workflow instances is waiting or running. */
export function workflowSettled(order: OrderView): boolean {
  return order.workflow.length > 0 && order.workflow.every((step) => !['PENDING', 'STARTED', 'REPEATING'].includes(step.status));
}
