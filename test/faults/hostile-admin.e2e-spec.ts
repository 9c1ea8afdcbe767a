import fc from 'fast-check';
import { Command, type CommandHandler, Status } from 'nestjs-durex';
import { DurexAdminModule } from 'nestjs-durex/admin';
import type { Response } from 'supertest';
import { describe, expect, it } from 'vitest';
import { durexForTest, expectNoInternals, type TestApp, useTestApp } from '../admin/http-app.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';
import { printFigures } from './support/drain-history.js';
import { FAULT_SIZES } from './support/fault-sizes.js';
import { type HostileRequest, hostileRequest } from './support/hostile-requests.js';

const FUZZED = 'fuzzed';
const RUNS = FAULT_SIZES.fuzzRuns;
const PROTOTYPE_BEFORE = Object.getOwnPropertyNames(Object.prototype).sort();

@Command('alive')
class AliveCommand implements CommandHandler {
  execute(): void {}
}

/** Payload keys that class-transformer used to drop (see the test below). */
const PROTOTYPE_KEYS = ['prototype', ...Object.getOwnPropertyNames(Object.prototype)];

/** A payload as every storage reads it back: as JSON wrote it (-0 as 0). */
const comparable = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? {}));

async function send(running: TestApp, request: HostileRequest): Promise<Response> {
  const http = running.http();
  const url = `/durex${request.path}`;
  const call = request.method === 'get' ? http.get(url) : request.method === 'post' ? http.post(url) : http.delete(url);
  if (request.rawBody === undefined && request.body === undefined) return call;
  // As text, so any JSON value (a bare number, null) goes out exactly as JSON.stringify writes it.
  return call.set('Content-Type', 'application/json').send(request.rawBody ?? JSON.stringify(request.body));
}

/** A 4xx must say what was wrong, in the admin API's error shape, with nothing internal in it. */
function expectClientError(response: Response): void {
  const body = response.body as { statusCode?: unknown; message?: unknown };
  expectNoInternals(body);
  const messages = Array.isArray(body.message) ? body.message : [body.message];
  expect(messages.length, JSON.stringify(body)).toBeGreaterThan(0);
  for (const message of messages) expect(typeof message === 'string' && message.trim().length > 0, JSON.stringify(body)).toBe(true);
  // Body-parser refusals (413, malformed JSON) come from Express with Nest's shape too.
  expect(body.statusCode).toBe(response.status);
}

describe.each(STORAGE_KINDS)('hostile requests to the admin API on %s storage', (kind) => {
  const current = useTestApp(kind, (storage) => ({
    imports: [durexForTest({ storage, commands: [FUZZED] }), DurexAdminModule.register()],
    providers: [AliveCommand],
  }));

  // Found by this suite: class-transformer dropped every key named like a member of Object.prototype
  // (constructor, __proto__, toString, valueOf, hasOwnProperty…) or `prototype`, at any depth, while
  // it built the DTO, so POST /commands stored { car: {} } for { car: { constructor: 'Ferrari' } }.
  // `data` and `metadata` are now taken as sent.
  it('stores payload keys named like Object.prototype members as sent', async () => {
    const running = current();
    for (const key of PROTOTYPE_KEYS) {
      const raw = `{"name":"${FUZZED}","data":{"car":{"${key}":"Ferrari"}},"metadata":{"${key}":{"prototype":{"polluted":true}}}}`;
      const response = await running.http().post('/durex/commands').set('Content-Type', 'application/json').send(raw);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      const { body } = await running.http().get(`/durex/commands/${(response.body as { id: string }).id}`).expect(200);
      expect(JSON.stringify([body.data, body.metadata]), key).toBe(JSON.stringify(Object.values(JSON.parse(raw)).slice(1)));
    }
  });

  it('answers every one with a 2xx or a 4xx with a message (never a 500), writes nothing when it refuses, and keeps serving', async () => {
    const running = current();
    const statuses = new Map<number, number>();
    let stored = 0;

    await fc.assert(
      fc.asyncProperty(hostileRequest, async (request) => {
        const before = await running.executor.count();
        const response = await send(running, request);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${request.method} ${request.path.slice(0, 200)} → ${JSON.stringify(response.body).slice(0, 300)}`).toBeLessThan(500);
        if (response.status >= 400) {
          expectClientError(response);
          expect(await running.executor.count(), 'rows after a refused request').toBe(before);
          return;
        }
        if (request.method === 'post' && request.path === '/commands') {
          expect(response.status).toBe(201);
          stored += 1;
          const sent = (request.body ?? JSON.parse(request.rawBody!)) as { data?: unknown; tags?: unknown };
          const { body } = await running.http().get(`/durex/commands/${(response.body as { id: string }).id}`).expect(200);
          expect(comparable(body.data)).toEqual(comparable(sent.data));
          expect(body.tags).toEqual([...new Set((sent.tags as string[] | undefined) ?? [])]);
        }
      }),
      // A fixed seed keeps CI reproducible; FUZZ_SEED explores others (one of them found the invalid-Date 500 in the closing note).
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261128) },
    );

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_BEFORE);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect([...statuses.keys()].some((status) => status >= 400)).toBe(true);
    // Still serving, over HTTP and in the executor.
    await running.http().get('/durex/stats').expect(200);
    const { body: alive } = await running.http().post('/durex/commands').send({ name: 'alive' }).expect(201);
    await waitFor(async () => (await running.executor.get((alive as { id: string }).id)).status === Status.COMPLETED, { description: 'a job after the fuzz' });

    printFigures(`hostile-admin:${kind}`, {
      requests: RUNS,
      'answers by status': [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status} ×${n}`).join(', '),
      'commands stored and read back exactly': stored,
    });
  }, 300_000);
});
