import { type InstanceState, Status } from 'nestjs-durex';
import { DurexAdminModule, type ThroughputResponseDto } from 'nestjs-durex/admin';
import { makeInstance } from '../support/instances.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { durexForTest, useTestApp } from './http-app.js';

/** The admin API's "now": half a minute into a minute, so the current bucket is still filling. */
const NOW = Date.parse('2026-03-01T12:00:30.000Z');

const at = (time: string) => new Date(`2026-03-01T${time}Z`);

/** A finished (or still running) instance whose last run ended at `time`. */
function finishedAt(status: Status, time: string | null, overrides: Partial<InstanceState> = {}) {
  return makeInstance({ status, completedAt: time === null ? null : at(time), createdAt: at('11:00:00.000'), ...overrides });
}

describe.each(STORAGE_KINDS)('GET /stats/throughput on %s storage', (kind) => {
  const current = useTestApp(kind, (storage) => ({
    imports: [durexForTest({ storage, clock: { now: () => NOW } }), DurexAdminModule.register()],
  }));

  it('counts finished instances per aligned bucket, by outcome, from completedAt', async () => {
    const { storage, http } = current();
    await storage.storage.insert([
      finishedAt(Status.COMPLETED, '11:55:59.999'), // before the window
      finishedAt(Status.COMPLETED, '11:56:10.000'),
      finishedAt(Status.COMPLETED, '11:56:50.000'),
      finishedAt(Status.REPEATING, '11:57:00.000'), // a repeating command's run completed
      finishedAt(Status.DEAD_LETTER, '11:57:30.000'),
      finishedAt(Status.COMPLETED, '11:58:00.000'), // on an edge: the later bucket
      finishedAt(Status.STARTED, '11:58:30.000', { leaseOwner: 'w', leaseExpiresAt: at('12:10:00.000') }), // running again after a completed run
      finishedAt(Status.CANCELLED, '11:59:00.000'),
      finishedAt(Status.EXPIRED, '11:59:59.999'),
      finishedAt(Status.FAILED, '12:00:05.000'),
      finishedAt(Status.COMPLETED, '12:00:20.000'),
      finishedAt(Status.PENDING, null), // never finished
    ]);

    const { body } = await http().get('/durex/stats/throughput?window=300000&bucket=60000').expect(200);
    const throughput = body as ThroughputResponseDto;
    expect(throughput).toMatchObject({ from: '2026-03-01T11:56:00.000Z', to: '2026-03-01T12:01:00.000Z', bucket: 60_000 });
    expect(throughput.buckets).toEqual([
      { start: '2026-03-01T11:56:00.000Z', completed: 2, failed: 0, expired: 0, cancelled: 0 },
      { start: '2026-03-01T11:57:00.000Z', completed: 1, failed: 1, expired: 0, cancelled: 0 },
      { start: '2026-03-01T11:58:00.000Z', completed: 2, failed: 0, expired: 0, cancelled: 0 },
      { start: '2026-03-01T11:59:00.000Z', completed: 0, failed: 0, expired: 1, cancelled: 1 },
      { start: '2026-03-01T12:00:00.000Z', completed: 1, failed: 1, expired: 0, cancelled: 0 },
    ]);
  });

  it('covers the last hour in two-minute buckets by default, and rounds a window up to whole buckets', async () => {
    const { http } = current();
    const defaults = (await http().get('/durex/stats/throughput').expect(200)).body as ThroughputResponseDto;
    expect(defaults).toMatchObject({ from: '2026-03-01T11:02:00.000Z', to: '2026-03-01T12:02:00.000Z', bucket: 120_000 });
    expect(defaults.buckets).toHaveLength(30);
    expect(defaults.buckets.every((bucket) => bucket.completed + bucket.failed + bucket.expired + bucket.cancelled === 0)).toBe(true);

    const rounded = (await http().get('/durex/stats/throughput?window=90000&bucket=60000').expect(200)).body as ThroughputResponseDto;
    expect(rounded.buckets.map((bucket) => bucket.start)).toEqual(['2026-03-01T11:59:00.000Z', '2026-03-01T12:00:00.000Z']);
  });
});

describe('GET /stats/throughput input', () => {
  const current = useTestApp('memory', (storage) => ({ imports: [durexForTest({ storage }), DurexAdminModule.register()] }));

  it.each([
    ['more buckets than one request may count', 'window=3600000&bucket=1000', 'window / bucket must be at most 120 buckets: widen the bucket or shorten the window'],
    ['a bucket that is not a number', 'bucket=abc', 'bucket must be a whole number'],
    ['a bucket under a second', 'bucket=10', 'bucket must not be less than 1000'],
    ['a bucket wider than the longest window', 'bucket=9007199254740993', 'bucket must not be greater than'],
    ['an empty window', 'window=0', 'window must not be less than 1000'],
    ['a window over 31 days', 'window=2678400001&bucket=86400000', 'window must not be greater than 2678400000'],
    ['an unknown parameter', 'since=1h', 'property since should not exist'],
  ])('refuses %s with 400 and a message', async (_description, query, message) => {
    const { body } = await current().http().get(`/durex/stats/throughput?${query}`).expect(400);
    expect(body.statusCode).toBe(400);
    expect(body.message).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });
});
