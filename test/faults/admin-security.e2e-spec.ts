import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { DurexClient, type DurexStorage, MemoryStorage, Status, type TypeOrmStorage } from 'nestjs-durex';
import { DurexAdminModule } from 'nestjs-durex/admin';
import { DurexDashboardModule } from 'nestjs-durex/dashboard';
import type { Response } from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, durexForTest, expectNoInternals, type TestApp, useTestApp } from '../admin/http-app.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { printFigures } from './support/drain-history.js';
import { SQL_INJECTIONS } from './support/hostile-values.js';
import { mountedRoutes } from './support/mounted-routes.js';

const TOKEN = 'ops-secret-token';
const NAME = 'audited';

/** An authentication guard: a token header, or 401. */
@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (request.headers['x-durex-token'] !== TOKEN) throw new UnauthorizedException('the durex console needs a valid x-durex-token header');
    return true;
  }
}

/** Sends one request to a mounted route, `:id` filled in. */
function call(running: TestApp, method: string, path: string, id: string, token?: string) {
  const url = path.replace(':id', id);
  const http = running.http();
  const request = method === 'post' ? http.post(url) : method === 'delete' ? http.delete(url) : http.get(url);
  if (token !== undefined) request.set('x-durex-token', token);
  return request;
}

/** Text an error body must never carry: internals of the server, or the secret of a failing dependency. */
const SECRET = /ECONNREFUSED|10\.0\.0\.5|s3cr3t|node_modules|\/srv\/app/;

function expectSafeError(response: Response, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expectNoInternals(response.body);
  expect(JSON.stringify(response.body)).not.toMatch(SECRET);
  expect((response.body as { message?: unknown }).message).toBeTruthy();
}

describe('the admin API and the dashboard behind a guard', () => {
  let running: TestApp | undefined;
  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  it('refuse every route without the credentials (401 with a message), change nothing, and serve them with it', async () => {
    running = await createTestApp({
      imports: [
        durexForTest({ commands: [NAME] }),
        DurexAdminModule.register({ guard: TokenGuard }),
        DurexDashboardModule.register({ guard: TokenGuard }),
      ],
    });
    const client = running.app.get(DurexClient);
    const { id } = await client.add({ name: NAME, tags: ['t'] });
    const routes = mountedRoutes(running.app).filter((route) => route.path.startsWith('/durex'));
    // The whole surface: list, enqueue, cancel by tag, get, children, cancel, DLQ list, replay and
    // purge, stats, throughput, and the dashboard's page and two files.
    expect(routes.length).toBeGreaterThanOrEqual(14);
    expect(routes.some((route) => route.path.startsWith('/durex/ui'))).toBe(true);

    for (const { method, path } of routes) {
      for (const token of [undefined, 'wrong-token']) {
        const refused = await call(running, method, path, id, token).send({ name: NAME, tag: 't' });
        expectSafeError(refused, 401);
        expect(refused.body.message).toBe('the durex console needs a valid x-durex-token header');
      }
    }
    // The refused writes did nothing: no cancel, no enqueue, no purge.
    expect((await client.get(id)).status).toBe(Status.PENDING);
    expect(await client.count()).toBe(1);

    const served: string[] = [];
    for (const { method, path } of routes) {
      const allowed = await call(running, method, path, id, TOKEN).send(method === 'post' ? { name: NAME, tag: 'none' } : undefined);
      expect([401, 403], `${method} ${path} with the token`).not.toContain(allowed.status);
      expect(allowed.status, `${method} ${path} with the token`).toBeLessThan(500);
      served.push(`${method.toUpperCase()} ${path} ${allowed.status}`);
    }
    printFigures('guard', { routes: routes.length, 'refused without or with a wrong token': `${routes.length * 2} × 401`, 'with the token': served.join('; ') });
  });
});

describe('error bodies of the admin API', () => {
  let running: TestApp | undefined;
  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  it('carry a message but no stack, path or dependency detail, for every kind of failure', async () => {
    // A storage that fails like a database behind a firewall, with internals in its error.
    const storage = new MemoryStorage();
    let broken = false;
    const failing = new Proxy(storage, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (!broken || typeof value !== 'function' || property === 'close') return typeof value === 'function' ? value.bind(target) : value;
        return () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432 (password s3cr3t) at /srv/app/node_modules/pg/lib/client.js:132'));
      },
    }) as DurexStorage;
    running = await createTestApp({ imports: [durexForTest({ storage: failing, commands: [NAME] }), DurexAdminModule.register()] });
    const http = running.http;
    const { body: created } = await http().post('/durex/commands').send({ name: NAME, uniqueKey: 'k' }).expect(201);
    const failures: [string, Response, number][] = [
      ['bad input', await http().get('/durex/commands?limit=abc&status=NOPE'), 400],
      ['bad body', await http().post('/durex/commands').send({ name: 42, data: 'x' }), 400],
      ['malformed JSON', await http().post('/durex/commands').set('Content-Type', 'application/json').send('{"name":'), 400],
      ['unknown command', await http().post('/durex/commands').send({ name: 'nope' }), 400],
      ['unknown id', await http().get('/durex/commands/01J9Z3K6R2W8M4Q7T1V5X9B3C6'), 404],
      ['duplicate key', await http().post('/durex/commands').send({ name: NAME, uniqueKey: 'k' }), 409],
      ['not dead-lettered', await http().post(`/durex/dlq/${(created as { id: string }).id}/replay`), 409],
      ['payload too large', await http().post('/durex/commands').send({ name: NAME, data: { big: 'x'.repeat(200_000) } }), 413],
    ];
    broken = true;
    failures.push(['storage down', await http().get('/durex/commands'), 500], ['storage down on write', await http().post('/durex/commands').send({ name: NAME }), 500]);
    broken = false;
    await running.executor.stop();
    failures.push(['executor stopped', await http().post('/durex/commands').send({ name: NAME }), 503]);

    for (const [what, response, status] of failures) {
      expect(response.status, what).toBe(status);
      expectSafeError(response, status);
    }
    // The details went to the server's log, where they belong.
    expect(running.logger.of('DurexAdmin').some((line) => line.trace?.includes('ECONNREFUSED'))).toBe(true);
    printFigures('error-bodies', { checked: failures.map(([what, response]) => `${what} ${response.status}`).join(', ') });
  });
});

/** The tables of a database storage's schema (none for memory). */
async function tablesOf(running: TestApp & { storage: { kind: string; storage: DurexStorage } }): Promise<string[]> {
  if (running.storage.kind === 'memory') return [];
  const dataSource = (running.storage.storage as TypeOrmStorage).dataSource;
  const tables: { name: string }[] =
    running.storage.kind === 'postgres'
      ? await dataSource.query('SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [(dataSource.options as { schema?: string }).schema])
      : await dataSource.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1");
  return tables.map((table) => table.name);
}

describe.each(STORAGE_KINDS)('injection strings in every filter on %s storage', (kind) => {
  const current = useTestApp(kind, (storage) => ({ imports: [durexForTest({ storage, commands: [NAME] }), DurexAdminModule.register()] }));

  it('match only what holds them literally, and leave every table and row as it was', async () => {
    const running = current();
    const client = running.app.get(DurexClient);
    const plain = await client.addMany([1, 2, 3].map((n) => ({ name: NAME, tags: ['plain'], correlationId: `c${n}`, traceId: `t${n}` })));
    // One instance carries an injection string literally: binding must find exactly it.
    const literal = "x'); DROP TABLE durex_events; --";
    const holder = await client.add({ name: NAME, tags: [literal], correlationId: literal, traceId: literal });
    const before = await client.count();
    const tablesBefore = await tablesOf(running);
    if (kind !== 'memory') expect(tablesBefore).toEqual(expect.arrayContaining(['durex_events', 'durex_instances']));
    let slowest = 0;
    let requests = 0;

    for (const injection of SQL_INJECTIONS) {
      const expected = injection === literal ? [holder.id] : [];
      for (const filter of ['name', 'tag', 'correlationId', 'traceId', 'q']) {
        const from = Date.now();
        const { body, status } = await running.http().get('/durex/commands').query({ [filter]: injection });
        slowest = Math.max(slowest, Date.now() - from);
        requests += 1;
        expect(status, `${filter}=${injection}`).toBe(200);
        const ids = (body as { items: { id: string }[] }).items.map((item) => item.id);
        expect(ids, `${filter}=${injection}`).toEqual(filter === 'name' || filter === 'q' ? [] : expected);
      }
      // Validated filters refuse the text (an id-shaped one such as "_" is a valid parentId, matching nothing).
      for (const filter of ['status', 'parentId', 'createdAfter', 'orderBy', 'order', 'limit']) {
        const { body, status } = await running.http().get('/durex/commands').query({ [filter]: injection });
        requests += 1;
        if (status === 200) expect((body as { items: unknown[] }).items, `${filter}=${injection}`).toEqual([]);
        else expect(status, `${filter}=${injection}`).toBe(400);
        expectNoInternals(body);
      }
      // The storage API's own filters, which the HTTP API does not all expose.
      expect(await client.find({ name: injection })).toEqual([]);
      expect(await client.find({ parentId: injection })).toEqual([]);
      expect(await client.find({ idPrefix: injection })).toEqual([]);
      expect((await client.find({ tags: [injection] })).map((i) => i.id)).toEqual(expected);
      expect((await client.find({ correlationId: injection, traceId: injection })).map((i) => i.id)).toEqual(expected);
      const { body: cancelled } = await running.http().post('/durex/commands/cancel-by-tag').send({ tag: injection }).expect(200);
      expect((cancelled as { cancelled: number }).cancelled).toBe(expected.length);
      await running.http().delete('/durex/dlq').query({ olderThan: injection }).expect(400);
    }

    // Nothing was dropped, deleted or changed but the one instance cancelled by its literal tag.
    expect(await client.count()).toBe(before);
    for (const instance of plain) expect((await client.get(instance.id)).status).toBe(Status.PENDING);
    const cancelledHolder = await client.get(holder.id);
    expect(cancelledHolder.status).toBe(Status.CANCELLED);
    expect(cancelledHolder.history.map((event) => event.type)).toEqual(['created', 'cancelled']);
    expect(await tablesOf(running)).toEqual(tablesBefore);
    // pg_sleep(10) run by an interpolated filter would show here.
    expect(slowest).toBeLessThan(5_000);
    printFigures(`injection:${kind}`, {
      strings: SQL_INJECTIONS.length,
      requests,
      'slowest request in ms': slowest,
      result: 'tables intact, only the literal holder matched, no row changed',
    });
  });
});
