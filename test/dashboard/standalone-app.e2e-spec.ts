import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createTypeOrmStorage, Status } from 'nestjs-durex';
import { AppModule } from '../../apps/dashboard/src/app.module.js';
import { loadDashboardConfig } from '../../apps/dashboard/src/dashboard.config.js';
import { CapturingLogger } from '../admin/http-app.js';
import { makeInstance } from '../support/instances.js';

describe('apps/dashboard', () => {
  describe('configuration', () => {
    it('opens ./durex.db on the loopback interface, port 3001, without a password, by default', () => {
      expect(loadDashboardConfig({})).toEqual({
        port: 3001,
        host: '127.0.0.1',
        storage: { type: 'sqlite', database: join(process.cwd(), 'durex.db') },
        credentials: undefined,
        title: 'durex',
      });
    });

    it('takes PostgreSQL from DATABASE_URL, and listens on every interface once a password protects it', () => {
      const config = loadDashboardConfig({ DATABASE_URL: 'postgres://ops@db/app', DUREX_DB: 'ignored.db', DUREX_DASHBOARD_PASSWORD: 's3cret', PORT: '8080', DUREX_DASHBOARD_TITLE: 'Orders' });
      expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', storage: { type: 'postgres', url: 'postgres://ops@db/app' }, credentials: { user: 'admin', password: 's3cret' }, title: 'Orders' });
    });

    it('refuses a port that is not one, naming the variable', () => {
      expect(() => loadDashboardConfig({ PORT: 'http' })).toThrow('PORT must be a TCP port number (0 to 65535), got "http"');
    });
  });

  describe('serving a database that other services fill', () => {
    let directory: string;
    let app: INestApplication;
    let origin: string;
    const dead = makeInstance({ name: 'chargeCard', status: Status.DEAD_LETTER, attempt: 1, error: 'card declined', completedAt: new Date() });
    const waiting = makeInstance({ name: 'sendEmail', readyAt: new Date(Date.now() + 3_600_000) });
    const authorization = `Basic ${Buffer.from('ops:s3cret').toString('base64')}`;

    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), 'durex-dashboard-app-'));
      const database = join(directory, 'durex.db');
      // Another service's executor wrote these; the dashboard has no handler for either.
      const storage = await createTypeOrmStorage({ type: 'sqlite', database });
      await storage.migrate();
      await storage.insert([dead, waiting]);
      await storage.close();

      const config = loadDashboardConfig({ DUREX_DB: database, DUREX_DASHBOARD_USER: 'ops', DUREX_DASHBOARD_PASSWORD: 's3cret' });
      const module = await Test.createTestingModule({ imports: [AppModule.register(config)] }).compile();
      app = module.createNestApplication({ logger: new CapturingLogger() });
      await app.listen(0, '127.0.0.1');
      origin = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    });

    afterAll(async () => {
      await app?.close();
      await rm(directory, { recursive: true, force: true });
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
