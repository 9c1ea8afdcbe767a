import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createTypeOrmStorage, type DurexStorage, Status } from 'nestjs-durex';
import { AppModule } from '../../apps/dashboard/src/app.module.js';
import { type Env, loadDashboardConfig } from '../../apps/dashboard/src/dashboard.config.js';
import { CapturingLogger } from '../admin/http-app.js';
import { makeInstance } from '../support/instances.js';
import { openTestDatabase } from '../support/storages.js';

/** A database another service filled, the environment that points the dashboard at it, and its disposal. */
interface ServiceDatabase {
  env: Env;
  storage: DurexStorage;
  dispose(): Promise<void>;
}

/**
 * The service's database on each storage the standalone dashboard opens, filled through its own
 * storage, and the variables an operator sets to point the dashboard at it.
 */
async function serviceDatabase(kind: 'sqlite' | 'postgres', testId: string): Promise<ServiceDatabase> {
  const database = await openTestDatabase(kind, testId);
  const options = database.storage;
  const env = options.type === 'sqlite' ? { DUREX_DB: options.database } : { DATABASE_URL: options.url, DUREX_SCHEMA: options.schema };
  return { env, storage: await createTypeOrmStorage(options), dispose: database.dispose };
}

describe('apps/dashboard', () => {
  describe('configuration', () => {
    /** The configuration, as if every SQLite file named existed. */
    const configFor = (env: Env) => loadDashboardConfig(env, () => true);

    it('opens ./durex.db on the loopback interface, port 3001, without a password, by default', () => {
      expect(configFor({})).toEqual({
        port: 3001,
        host: '127.0.0.1',
        storage: { type: 'sqlite', database: join(process.cwd(), 'durex.db') },
        credentials: undefined,
        title: 'durex',
      });
    });

    it('takes PostgreSQL from DATABASE_URL, and listens on every interface once a password protects it', () => {
      const config = configFor({ DATABASE_URL: 'postgres://ops@db/app', DUREX_DB: 'ignored.db', DUREX_DASHBOARD_PASSWORD: 's3cret', PORT: '8080', DUREX_DASHBOARD_TITLE: 'Orders' });
      expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', storage: { type: 'postgres', url: 'postgres://ops@db/app' }, credentials: { user: 'admin', password: 's3cret' }, title: 'Orders' });
      expect(configFor({ DATABASE_URL: 'postgres://ops@db/app', DUREX_SCHEMA: 'orders' }).storage).toEqual({ type: 'postgres', url: 'postgres://ops@db/app', schema: 'orders' });
    });

    it('refuses a SQLite file that does not exist instead of creating an empty database', async () => {
      const directory = await mkdtemp(join(tmpdir(), 'durex-dashboard-config-'));
      try {
        const database = join(directory, 'typo.db');
        expect(() => loadDashboardConfig({ DUREX_DB: database })).toThrow(
          `No durex database at ${database} (DUREX_DB). The dashboard opens the database your services write and never creates one: set DUREX_DB to their SQLite file, or DATABASE_URL to their PostgreSQL.`,
        );
        expect(() => loadDashboardConfig({}, (path) => path !== join(process.cwd(), 'durex.db'))).toThrow(`No durex database at ${join(process.cwd(), 'durex.db')} (the default when DUREX_DB is not set).`);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });

    it('refuses a port that is not one, naming the variable', () => {
      expect(() => configFor({ PORT: 'http' })).toThrow('PORT must be a TCP port number (0 to 65535), got "http"');
    });
  });

  describe.each(['sqlite', 'postgres'] as const)('serving a %s database that other services fill', (kind) => {
    let database: ServiceDatabase;
    let app: INestApplication;
    let origin: string;
    const dead = makeInstance({ name: 'chargeCard', status: Status.DEAD_LETTER, attempt: 1, error: 'card declined', completedAt: new Date() });
    const waiting = makeInstance({ name: 'sendEmail', readyAt: new Date(Date.now() + 3_600_000) });
    const authorization = `Basic ${Buffer.from('ops:s3cret').toString('base64')}`;

    beforeAll(async () => {
      database = await serviceDatabase(kind, `standalone dashboard on ${kind}`);
      // Another service's executor wrote these; the dashboard has no handler for either.
      await database.storage.migrate();
      await database.storage.insert([dead, waiting]);
      await database.storage.close();

      const config = loadDashboardConfig({ ...database.env, DUREX_DASHBOARD_USER: 'ops', DUREX_DASHBOARD_PASSWORD: 's3cret' });
      expect(config.storage.type).toBe(kind);
      const module = await Test.createTestingModule({ imports: [AppModule.register(config)] }).compile();
      app = module.createNestApplication({ logger: new CapturingLogger() });
      await app.listen(0, '127.0.0.1');
      origin = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    });

    afterAll(async () => {
      await app?.close();
      await database?.dispose();
    });

    const call = (method: string, path: string, auth = true) =>
      fetch(`${origin}${path}`, { method, redirect: 'manual', headers: auth ? { authorization } : {} });

    it('sends the root to the dashboard, and asks for the password on the page and the API', async () => {
      const root = await call('GET', '/', false);
      expect(root.status).toBe(302);
      expect(root.headers.get('location')).toBe('durex/ui/');
      for (const path of ['/durex/ui/', '/durex/stats']) {
        const refused = await call('GET', path, false);
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toBe('Basic realm="durex", charset="UTF-8"');
      }
      expect(await (await call('GET', '/durex/ui/')).text()).toContain('data-api-base="../../durex/"');
      expect(((await (await call('GET', '/durex/stats')).json()) as { byStatus: unknown }).byStatus).toMatchObject({ DEAD_LETTER: 1, PENDING: 1 });
    });

    it('replays and cancels without running anything itself', async () => {
      const replayed = await call('POST', `/durex/dlq/${dead.id}/replay`);
      expect(await replayed.json()).toMatchObject({ id: dead.id, status: Status.PENDING, error: null });
      const cancelled = await call('POST', `/durex/commands/${waiting.id}/cancel`);
      expect(await cancelled.json()).toMatchObject({ id: waiting.id, status: Status.CANCELLED });
    });
  });
});
