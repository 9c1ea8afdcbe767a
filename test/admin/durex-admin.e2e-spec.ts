import { Injectable } from '@nestjs/common';
import { Command, type CommandHandler, Result, Status } from 'nestjs-durex';
import type { InstancePageDto, InstanceResponseDto } from 'nestjs-durex/admin';
import { DurexAdminModule } from 'nestjs-durex/admin';
import { STORAGE_KINDS, openTestStorage, type TestStorage } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';
import { createAdminApp, durexForTest, expectNoInternals, type TestApp, useTestApp } from './http-app.js';

/** Whether `flaky` fails: flipped by the DLQ test to "fix the downstream" before replaying. */
@Injectable()
class Downstream {
  healthy = false;
}

@Command('succeeds')
class SucceedsCommand implements CommandHandler {
  execute(): void {}
}

@Command('flaky')
class FlakyCommand implements CommandHandler {
  constructor(private readonly downstream: Downstream) {}
  execute(): void {
    if (!this.downstream.healthy) throw new Error('downstream is down');
  }
}

@Command('fansOut')
class FansOutCommand implements CommandHandler {
  execute(): Result {
    return Result.spawn({ name: 'later', data: { part: 1 } }, { name: 'later', data: { part: 2 } });
  }
}

const PROVIDERS = [Downstream, SucceedsCommand, FlakyCommand, FansOutCommand];

describe.each(STORAGE_KINDS)('DurexAdminModule on %s storage', (kind) => {
  let running: TestApp;

  /** Waits until GET /commands/:id shows `status`, and returns that body. */
  async function waitForHttpStatus(id: string, status: Status): Promise<InstanceResponseDto> {
    return waitFor(
      async () => {
        const { body } = await running.http().get(`/durex/commands/${id}`).expect(200);
        return (body as InstanceResponseDto).status === status ? (body as InstanceResponseDto) : undefined;
      },
      { description: `instance ${id} ${status} over HTTP` },
    );
  }

  async function enqueue(spec: Record<string, unknown>): Promise<InstanceResponseDto> {
    const { body } = await running.http().post('/durex/commands').send(spec).expect(201);
    return body as InstanceResponseDto;
  }

  async function list(query: string): Promise<InstancePageDto> {
    const { body } = await running.http().get(`/durex/commands?${query}`).expect(200);
    return body as InstancePageDto;
  }

  describe('success paths', () => {
    const current = useTestApp(kind, (storage) => ({
      imports: [durexForTest({ storage, deadLetterQueue: true, commands: ['later'] }), DurexAdminModule.register()],
      providers: PROVIDERS,
    }));

    beforeEach(() => {
      running = current();
    });

    it('enqueues with POST /commands (201) and shows the instance with its history and ISO dates', async () => {
      const data = { to: 'ada@example.com', items: [1, { sku: 'A-1', qty: null }], gift: false, note: '2024-05-01T00:00:00Z' };
      const created = await enqueue({ name: 'succeeds', data, tags: ['welcome'], priority: 3, deadlineAt: '2999-01-01T00:00:00.000Z' });
      expect(created).toMatchObject({ name: 'succeeds', status: Status.PENDING, tags: ['welcome'], priority: 3 });
      expect(created.data).toStrictEqual(data);
      expect(created.deadlineAt).toBe('2999-01-01T00:00:00.000Z');
      expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(created).toHaveProperty('leaseOwner', null);

      const completed = await waitForHttpStatus(created.id, Status.COMPLETED);
      expect(completed.history!.map((event) => event.type)).toEqual(['created', 'started', 'completed']);
      expect(new Date(completed.history![0]!.timestamp).toISOString()).toBe(completed.history![0]!.timestamp);
      expect(completed.completedAt).not.toBeNull();
    });

    it('lists with GET /commands: filters, paging, order and totals', async () => {
      const first = await enqueue({ name: 'later', tags: ['batch-1'], correlationId: 'order-42', priority: 1 });
      const cutoff = new Date(new Date(first.createdAt).getTime() + 1).toISOString();
      await waitFor(() => Date.now() > new Date(cutoff).getTime() + 1, { description: 'the clock past the cut-off' });
      const second = await enqueue({ name: 'later', tags: ['batch-1', 'vip'], priority: 9 });
      const third = await enqueue({ name: 'later', tags: ['batch-2'], traceId: 'trace-7' });

      const all = await list('name=later');
      expect(all).toMatchObject({ total: 3, limit: 50, offset: 0 });
      expect(all.items.map((i) => i.id)).toEqual([third.id, second.id, first.id]);
      expect(all.items[0]).not.toHaveProperty('history');

      expect((await list('name=later&order=asc')).items.map((i) => i.id)).toEqual([first.id, second.id, third.id]);
      expect((await list('name=later&orderBy=priority')).items.map((i) => i.id)).toEqual([second.id, first.id, third.id]);
      const paged = await list('name=later&limit=1&offset=1');
      expect(paged).toMatchObject({ total: 3, limit: 1, offset: 1 });
      expect(paged.items.map((i) => i.id)).toEqual([second.id]);

      expect((await list('tag=batch-1')).items.map((i) => i.id)).toEqual([second.id, first.id]);
      expect((await list('correlationId=order-42')).items.map((i) => i.id)).toEqual([first.id]);
      expect((await list('traceId=trace-7')).items.map((i) => i.id)).toEqual([third.id]);
      expect((await list(`q=${third.id.slice(0, 24)}`)).items.map((i) => i.id)).toContain(third.id);
      expect((await list(`q=${third.id}`)).items.map((i) => i.id)).toEqual([third.id]);
      expect((await list(`createdBefore=${cutoff}`)).items.map((i) => i.id)).toEqual([first.id]);
      expect((await list(`name=later&createdAfter=${cutoff}`)).total).toBe(2);
      expect((await list('status=PENDING,STARTED&name=later')).total).toBe(3);
      expect((await list('status=COMPLETED&name=later')).total).toBe(0);
    });

    it('lists the children of an instance with GET /commands/:id/children', async () => {
      const parent = await enqueue({ name: 'fansOut' });
      await waitForHttpStatus(parent.id, Status.COMPLETED);
      const { body } = await running.http().get(`/durex/commands/${parent.id}/children`).expect(200);
      const children = body as InstancePageDto;
      expect(children.total).toBe(2);
      expect(children.items.map((child) => child.data)).toEqual([{ part: 1 }, { part: 2 }]);
      expect(children.items.every((child) => child.parentId === parent.id && child.correlationId === parent.id)).toBe(true);
      expect((await list(`parentId=${parent.id}`)).total).toBe(2);

      const childless = await running.http().get(`/durex/commands/${children.items[0]!.id}/children`).expect(200);
      expect(childless.body).toMatchObject({ items: [], total: 0 });
    });

    it('cancels one instance and by tag, and refuses to cancel a finished one (409) or to reuse a held unique key (409)', async () => {
      const one = await enqueue({ name: 'later', uniqueKey: 'nightly-report' });
      const duplicate = await running.http().post('/durex/commands').send({ name: 'later', uniqueKey: 'nightly-report' }).expect(409);
      expect(duplicate.body).toMatchObject({ statusCode: 409, code: 'DUPLICATE_COMMAND' });
      expect(duplicate.body.message).toContain('nightly-report');

      const cancelled = await running.http().post(`/durex/commands/${one.id}/cancel`).expect(200);
      expect(cancelled.body).toMatchObject({ id: one.id, status: Status.CANCELLED });
      expect((cancelled.body as InstanceResponseDto).history!.at(-1)!.type).toBe('cancelled');

      const again = await running.http().post(`/durex/commands/${one.id}/cancel`).expect(409);
      expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'INVALID_STATE' });
      expect(again.body.message).toContain('cannot cancel');
      expect(again.body.message).toContain('CANCELLED');
      expectNoInternals(again.body);

      await enqueue({ name: 'later', tags: ['import-9'] });
      await enqueue({ name: 'later', tags: ['import-9'] });
      await enqueue({ name: 'later', tags: ['import-10'] });
      const byTag = await running.http().post('/durex/commands/cancel-by-tag').send({ tag: 'import-9' }).expect(200);
      expect(byTag.body).toEqual({ cancelled: 2 });
      expect((await list('tag=import-10&status=PENDING')).total).toBe(1);
    });

    it('replays a dead-lettered job to completion over HTTP, refuses to replay anything else (409), and purges the DLQ', async () => {
      const failing = await enqueue({ name: 'flaky', retries: 1 });
      const dead = await waitForHttpStatus(failing.id, Status.DEAD_LETTER);
      expect(dead.attempt).toBe(2);
      expect(dead.error).toContain('downstream is down');

      const dlq = await running.http().get('/durex/dlq').expect(200);
      expect(dlq.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
      expect((dlq.body as InstancePageDto).items.map((i) => i.id)).toEqual([failing.id]);
      expect((await running.http().get('/durex/dlq?name=succeeds').expect(200)).body).toMatchObject({ total: 0, items: [] });

      const notDead = await enqueue({ name: 'later' });
      const refused = await running.http().post(`/durex/dlq/${notDead.id}/replay`).expect(409);
      expect(refused.body.message).toContain('cannot replay');

      running.app.get(Downstream).healthy = true;
      const replayed = await running.http().post(`/durex/dlq/${failing.id}/replay`).expect(200);
      // Replay wakes the scheduler, so by the time the answer is read the instance may already run again.
      expect(replayed.body).toMatchObject({ id: failing.id });
      expect([Status.PENDING, Status.STARTED, Status.COMPLETED]).toContain(replayed.body.status);
      expect((replayed.body as InstanceResponseDto).history).toContainEqual(
        expect.objectContaining({ type: 'recovered', message: 'replayed from the dead letter queue with 1 retries' }),
      );
      const completed = await waitForHttpStatus(failing.id, Status.COMPLETED);
      expect(completed.attempt).toBe(3);
      expect(completed.history!.map((event) => event.type)).toContain('recovered');

      running.app.get(Downstream).healthy = false;
      const second = await enqueue({ name: 'flaky' });
      await waitForHttpStatus(second.id, Status.DEAD_LETTER);
      expect((await running.http().delete('/durex/dlq?olderThan=3600000').expect(200)).body).toEqual({ purged: 0 });
      expect((await running.http().delete('/durex/dlq?olderThan=0').expect(200)).body).toEqual({ purged: 1 });
      expect((await running.http().get('/durex/dlq').expect(200)).body).toMatchObject({ total: 0, items: [] });
    });

    it('reports counts by status and by name, queue size, workers and rate limits with GET /stats', async () => {
      const done = await enqueue({ name: 'succeeds' });
      await waitForHttpStatus(done.id, Status.COMPLETED);
      await enqueue({ name: 'later' });
      await enqueue({ name: 'later' });

      const { body } = await running.http().get('/durex/stats').expect(200);
      expect(body).toMatchObject({
        pending: 2,
        completed: 1,
        queueSize: 2,
        registeredCommands: 3,
        workerCount: 4,
        running: 0,
        byName: { later: 2, succeeds: 1 },
      });
      expect(body.rateLimit).toEqual({ globalLimit: 0, globalCurrent: 0, commands: {} });
      expect(body.clusterLimits).toEqual({ commands: {}, concurrencyKeyLimit: 1 });
      expect(body.byStatus).toMatchObject({ PENDING: 2, COMPLETED: 1, DEAD_LETTER: 0 });
    });
  });

  describe('bad input', () => {
    let opened: TestStorage;

    beforeAll(async () => {
      opened = await openTestStorage(kind, `admin bad input on ${kind}`);
      running = await createAdminApp({
        durex: { storage: opened.storage, deadLetterQueue: true, commands: ['later'], maxPayloadBytes: 2_048 },
        providers: PROVIDERS,
      });
    });

    afterAll(async () => {
      await running.app.close();
      await opened.dispose();
    });

    const longId = 'x'.repeat(129);
    type Case = [description: string, method: 'get' | 'post' | 'delete', url: string, body: unknown, status: number, message: string];
    const cases: Case[] = [
      ['a limit that is not a number', 'get', '/durex/commands?limit=abc', undefined, 400, 'limit must be a whole number'],
      ['a fractional limit', 'get', '/durex/commands?limit=1.5', undefined, 400, 'limit must be a whole number'],
      ['a zero limit', 'get', '/durex/commands?limit=0', undefined, 400, 'limit must not be less than 1'],
      ['a negative limit', 'get', '/durex/commands?limit=-5', undefined, 400, 'limit must not be less than 1'],
      ['a huge limit', 'get', '/durex/commands?limit=100000', undefined, 400, 'limit must not be greater than 200'],
      ['a negative offset', 'get', '/durex/commands?offset=-1', undefined, 400, 'offset must not be less than 0'],
      ['an offset past what databases hold', 'get', '/durex/commands?offset=99999999999999999999', undefined, 400, 'offset must not be greater than 2147483647'],
      ['an unknown status', 'get', '/durex/commands?status=DONE', undefined, 400, 'each value in status must be one of the following values: PENDING, STARTED'],
      ['an unknown status in a list', 'get', '/durex/commands?status=PENDING,NOPE', undefined, 400, 'each value in status must be one of the following values'],
      ['an unknown sort field', 'get', '/durex/commands?orderBy=name', undefined, 400, 'orderBy must be one of the following values: createdAt, readyAt, completedAt, priority'],
      ['an unknown sort direction', 'get', '/durex/commands?order=sideways', undefined, 400, 'order must be one of the following values: asc, desc'],
      ['a date that is not ISO 8601', 'get', '/durex/commands?createdAfter=yesterday', undefined, 400, 'createdAfter must be an ISO 8601 date and time'],
      ['an impossible date', 'get', '/durex/commands?createdBefore=2024-13-45T00:00:00Z', undefined, 400, 'createdBefore must be an ISO 8601 date and time'],
      ['a date before any storage holds', 'get', '/durex/commands?createdAfter=-010000-01-01T00:00:00Z', undefined, 400, 'createdAfter must be an ISO 8601 date and time between 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z'],
      ['an unknown query parameter', 'get', '/durex/commands?colour=red', undefined, 400, 'property colour should not exist'],
      ['a repeated text filter', 'get', '/durex/commands?name=a&name=b', undefined, 400, 'name must be a string'],
      ['a NUL in a filter', 'get', '/durex/commands?name=a%00b', undefined, 400, 'name must be text without NUL characters'],
      ['a malformed parentId', 'get', '/durex/commands?parentId=not%20an%20id', undefined, 400, 'parentId must be a command instance id'],
      ['a malformed id', 'get', '/durex/commands/not%20an%20id', undefined, 400, 'id must be a command instance id'],
      ['an id that is too long', 'get', `/durex/commands/${longId}`, undefined, 400, 'id must be a command instance id'],
      ['an unknown id', 'get', '/durex/commands/01J00000000000000000000000', undefined, 404, 'no command instance with id "01J00000000000000000000000"'],
      ['the children of an unknown id', 'get', '/durex/commands/nope-1/children', undefined, 404, 'no command instance with id "nope-1"'],
      ['cancelling an unknown id', 'post', '/durex/commands/nope-2/cancel', undefined, 404, 'no command instance with id "nope-2"'],
      ['replaying an unknown id', 'post', '/durex/dlq/nope-3/replay', undefined, 404, 'no command instance with id "nope-3"'],
      ['replaying a malformed id', 'post', '/durex/dlq/a;b/replay', undefined, 400, 'id must be a command instance id'],
      ['a body without a name', 'post', '/durex/commands', {}, 400, 'name must be a string'],
      ['an unknown command', 'post', '/durex/commands', { name: 'sendFax' }, 400, 'unknown command "sendFax". Known commands: '],
      ['retries of the wrong type', 'post', '/durex/commands', { name: 'succeeds', retries: 'three' }, 400, 'retries must be an integer number'],
      ['negative retries', 'post', '/durex/commands', { name: 'succeeds', retries: -1 }, 400, 'retries must not be less than 0'],
      ['an unknown body field', 'post', '/durex/commands', { name: 'succeeds', colour: 'red' }, 400, 'property colour should not exist'],
      ['data that is an array', 'post', '/durex/commands', { name: 'succeeds', data: [1, 2] }, 400, 'data must be an object'],
      ['tags that are not a list', 'post', '/durex/commands', { name: 'succeeds', tags: 'urgent' }, 400, 'tags must be an array'],
      ['a deadline that is not a date', 'post', '/durex/commands', { name: 'succeeds', deadlineAt: 'tomorrow' }, 400, 'deadlineAt must be an ISO 8601 date and time'],
      ['a deadline after year 9999', 'post', '/durex/commands', { name: 'succeeds', deadlineAt: '+010000-01-01T00:00:00Z' }, 400, 'deadlineAt must be an ISO 8601 date and time between'],
      ['a delay beyond what the engine allows', 'post', '/durex/commands', { name: 'succeeds', delay: 1e15 }, 400, 'invalid spec: spec.delay must be an integer from 0 to'],
      ['a payload over maxPayloadBytes', 'post', '/durex/commands', { name: 'succeeds', data: { blob: 'x'.repeat(4_000) } }, 400, 'over the limit of 2048 bytes'],
      ['a JSON array body', 'post', '/durex/commands', [{ name: 'succeeds' }], 400, 'the request body must be a JSON object'],
      ['cancel-by-tag without a tag', 'post', '/durex/commands/cancel-by-tag', {}, 400, 'tag must be a string'],
      ['cancel-by-tag with a lone surrogate', 'post', '/durex/commands/cancel-by-tag', { tag: 'x\ud800' }, 400, 'tag must be text without NUL characters or lone surrogates'],
      ['cancel-by-tag with an empty tag', 'post', '/durex/commands/cancel-by-tag', { tag: '' }, 400, 'tag must be longer than or equal to 1 characters'],
      ['a purge without olderThan', 'delete', '/durex/dlq', undefined, 400, 'olderThan must be a whole number'],
      ['a purge with a negative age', 'delete', '/durex/dlq?olderThan=-1', undefined, 400, 'olderThan must not be less than 0'],
      ['a DLQ page that is too large', 'get', '/durex/dlq?limit=500', undefined, 400, 'limit must not be greater than 200'],
    ];

    it.each(cases)('answers %s with a helpful %#', async (_description, method, url, body, status, message) => {
      const call = running.http()[method](url);
      const response = body === undefined ? await call : await call.send(body as object);
      expect(response.status).toBe(status);
      const messages = ([] as string[]).concat(response.body.message);
      expect(messages.join(' | ')).toContain(message);
      expect(response.body.statusCode).toBe(status);
      expectNoInternals(response.body);
    });

    it('lists the known command names when the name is unknown', async () => {
      const { body } = await running.http().post('/durex/commands').send({ name: 'sendFax' }).expect(400);
      expect(body).toMatchObject({ code: 'UNKNOWN_COMMAND', error: 'Bad Request' });
      for (const name of ['succeeds', 'flaky', 'fansOut', 'later']) expect(body.message).toContain(name);
    });

    it('answers malformed JSON and oversized bodies with 4xx and a message, never 500', async () => {
      const malformed = await running.http().post('/durex/commands').set('Content-Type', 'application/json').send('{"name": "succeeds",');
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toMatch(/JSON/);
      expectNoInternals(malformed.body);

      const oversized = await running.http().post('/durex/commands').send({ name: 'succeeds', data: { blob: 'x'.repeat(200_000) } });
      expect(oversized.status).toBe(413);
      expect(oversized.body.message).toBe('request entity too large');
      expectNoInternals(oversized.body);
    });

    it.each([
      ['name', "'; DROP TABLE durex_instances; --"],
      ['tag', "%' OR '1'='1"],
      ['q', '%'],
      ['q', '_'],
      ['correlationId', '" OR 1=1 --'],
      ['traceId', '\\'],
    ])('treats SQL metacharacters in %s (%s) as plain text: an empty page, not an error', async (field, value) => {
      await running.http().post('/durex/commands').send({ name: 'later', tags: ['t'], correlationId: 'c', traceId: 'tr' }).expect(201);
      const { body } = await running.http().get('/durex/commands').query({ [field]: value }).expect(200);
      expect(body).toMatchObject({ items: [], total: 0 });
    });

    it('answers an unexpected failure with a generic 500 and logs the details instead', async () => {
      const stats = vi.spyOn(running.executor, 'stats').mockRejectedValueOnce(new Error('connect ECONNREFUSED 10.0.0.5:5432'));
      const { body } = await running.http().get('/durex/stats').expect(500);
      stats.mockRestore();
      expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error: the failure was logged on the server' });
      const logged = running.logger.of('DurexAdmin').find((line) => line.level === 'error');
      expect(logged?.message).toBe('durex admin GET /durex/stats failed unexpectedly');
      expect(logged?.trace).toContain('ECONNREFUSED 10.0.0.5:5432');
    });
  });
});
