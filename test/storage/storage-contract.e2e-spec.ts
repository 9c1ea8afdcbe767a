import {
  createEvent,
  DuplicateCommandError,
  EventType,
  Instance,
  StorageClosedError,
  Status,
  TypeOrmStorage,
  type DurexStorage,
  type InstanceEvent,
  type InstanceQuery,
  type InstanceState,
  type StorageNotification,
  type Transition,
} from 'nestjs-durex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeInstance, TEST_EPOCH } from '../support/instances.js';
import { openTestStorage, STORAGE_KINDS, type TestStorage } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

/** A time `ms` after the suites' epoch. */
const at = (ms: number) => new Date(TEST_EPOCH + ms);

/** A running instance leased by `owner` until `leaseUntil`. */
function running(owner: string, leaseUntil: Date, overrides: Partial<InstanceState> = {}): Instance {
  return makeInstance({ status: Status.STARTED, attempt: 1, startedAt: at(1), leaseOwner: owner, leaseExpiresAt: leaseUntil, ...overrides });
}

/** Exact text of a value: keys sorted, Dates and numbers distinct from strings, own `__proto__` keys kept. */
function canonical(value: unknown): string {
  if (value instanceof Date) return `Date(${value.toISOString()})`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`)
      .join(',')}}`;
  }
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

const ids = (instances: readonly { id: string }[]) => instances.map((i) => i.id);

describe.each(STORAGE_KINDS)('storage contract on %s', (kind) => {
  let opened: TestStorage;
  let storage: DurexStorage;

  beforeEach(async () => {
    opened = await openTestStorage(kind, expect.getState().currentTestName ?? 'storage contract');
    storage = opened.storage;
  });

  afterEach(async () => {
    await opened.dispose();
  });

  /** The stored state and history of an instance, as exact text. */
  async function snapshot(id: string): Promise<string> {
    const instance = await storage.get(id);
    return canonical({ state: instance?.state() ?? null, history: await storage.history(id) });
  }

  function transition(id: string, guard: Transition['guard'], patch: Transition['patch'] = {}, events: InstanceEvent[] = []): Transition {
    return { id, guard, patch, events };
  }

  describe('insert, get and history', () => {
    it('reads back every field exactly: dates, nulls, unicode, nested JSON and __proto__ keys', async () => {
      const data = JSON.parse(
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},' +
          '"text":"héllo wörld ✓ 日本語 🎉 \\"quoted\\" \\\\ back\\nslash","nested":{"deep":{"list":[1,2.5,-3,1e21,null,true,false,"x",{"k":[]}]}},' +
          '"empty":{},"emptyList":[],"big":9007199254740991,"small":-0.000123}',
      ) as Record<string, unknown>;
      const full = makeInstance(
        {
          name: 'send-émail',
          data,
          status: Status.REPEATING,
          retries: 2,
          maxRetries: 5,
          attempt: 3,
          sequence: ['next-one', 'next-two'],
          parentId: 'parent-1',
          priority: -7,
          tags: ['α', 'b c', 'd,e', '"q"', '{x}', 'back\\slash'],
          uniqueKey: 'key:ü',
          traceId: 'trace-1',
          correlationId: 'corr-1',
          createdAt: at(1),
          readyAt: at(2),
          startedAt: at(3),
          completedAt: at(4),
          deadlineAt: new Date(Date.parse('2199-12-31T23:59:59.999Z')),
          timeout: 3_153_600_000_000,
          period: 86_400_000,
          error: 'boom\nsecond line ✗',
          metadata: { source: 'test', nested: { list: [1, 'two', { three: 3 }] } },
          leaseOwner: 'worker-1',
          leaseExpiresAt: at(6),
        },
        [
          createEvent(EventType.CREATED, at(1)),
          createEvent(EventType.STARTED, at(3), { attempt: 1 }),
          createEvent(EventType.FAILED, at(4), { attempt: 1, error: 'bad ✗', durationMs: 12.5, message: 'first' }),
          createEvent(EventType.REPEATING, at(4), { attempt: 3, message: 'again' }),
        ],
      );
      const bare = makeInstance({ data: {}, metadata: {} }, []);
      await storage.insert([full, bare]);

      const read = await storage.get(full.id);
      expect(read).toBeInstanceOf(Instance);
      expect(canonical(read!.state())).toBe(canonical(full.state()));
      expect(read!.history).toEqual([]);
      expect(Object.hasOwn(read!.data, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(read!.data)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(canonical(await storage.history(full.id))).toBe(canonical(full.history));

      expect(canonical((await storage.get(bare.id))!.state())).toBe(canonical(bare.state()));
      expect(await storage.history(bare.id)).toEqual([]);
      expect(await storage.get('missing')).toBeNull();
      expect(await storage.history('missing')).toEqual([]);
    });

    it('rejects an active duplicate unique key, writing nothing of the batch', async () => {
      const holder = makeInstance({ uniqueKey: 'k' });
      await storage.insert([holder]);
      const innocent = makeInstance();
      const duplicate = makeInstance({ uniqueKey: 'k' });
      const error = await storage.insert([innocent, duplicate]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateCommandError);
      expect(error).toMatchObject({ uniqueKey: 'k', existingId: holder.id });
      expect(await storage.get(innocent.id)).toBeNull();
      expect(await storage.history(innocent.id)).toEqual([]);
      expect(await storage.get(duplicate.id)).toBeNull();

      const running = makeInstance({ status: Status.STARTED, uniqueKey: 's' });
      await storage.insert([running]);
      await expect(storage.insert([makeInstance({ uniqueKey: 's' })])).rejects.toMatchObject({ uniqueKey: 's', existingId: running.id });
      expect(await storage.count()).toBe(2);
    });

    it('writes nothing of a large batch whose last instance holds a taken key', async () => {
      const holder = makeInstance({ uniqueKey: 'last' });
      await storage.insert([holder]);
      const batch = Array.from({ length: 1500 }, (_, n) => makeInstance({ uniqueKey: n === 1499 ? 'last' : null }));
      await expect(storage.insert(batch)).rejects.toMatchObject({ uniqueKey: 'last', existingId: holder.id });
      expect(await storage.count()).toBe(1);
      await storage.insert(batch.slice(0, 1499));
      expect(await storage.count()).toBe(1500);
    });

    it('rejects two active instances with one key in one batch', async () => {
      const first = makeInstance({ uniqueKey: 'twice' });
      const second = makeInstance({ uniqueKey: 'twice' });
      const error = await storage.insert([first, second]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateCommandError);
      expect(error).toMatchObject({ uniqueKey: 'twice' });
      expect(await storage.count()).toBe(0);
    });

    it('frees a unique key once its holder is terminal, and lets terminal instances share it', async () => {
      const holder = makeInstance({ uniqueKey: 'k', status: Status.STARTED, leaseOwner: 'w', leaseExpiresAt: at(100) });
      const finished = makeInstance({ uniqueKey: 'k', status: Status.COMPLETED, completedAt: at(5) });
      await storage.insert([holder, finished]);
      await expect(storage.insert([makeInstance({ uniqueKey: 'k' })])).rejects.toBeInstanceOf(DuplicateCommandError);

      const [outcome] = await storage.transition([
        transition(holder.id, { statuses: [Status.STARTED] }, { status: Status.COMPLETED, completedAt: at(10) }),
      ]);
      expect(outcome!.applied).toBe(true);
      const successor = makeInstance({ uniqueKey: 'k' });
      await storage.insert([successor]);
      expect((await storage.get(successor.id))!.uniqueKey).toBe('k');
      expect(await storage.count()).toBe(3);
    });
  });

  describe('claim', () => {
    const now = at(1000);
    const request = { owner: 'w1', leaseMs: 30_000, now, names: ['job'] };

    it('takes ready PENDING and REPEATING instances by priority, then readyAt, then id, under a lease', async () => {
      const lowOld = makeInstance({ priority: 0, readyAt: at(10) });
      const highNew = makeInstance({ priority: 5, readyAt: at(500) });
      const highOld = makeInstance({ priority: 5, readyAt: at(100) });
      const tieB = makeInstance({ id: 'tie-b', priority: 1, readyAt: at(50) });
      const tieA = makeInstance({ id: 'tie-a', priority: 1, readyAt: at(50) });
      const repeating = makeInstance({ status: Status.REPEATING, attempt: 2, readyAt: at(20), completedAt: at(15) });
      const future = makeInstance({ priority: 9, readyAt: at(1001) });
      const otherName = makeInstance({ name: 'other', priority: 9, readyAt: at(1) });
      const started = makeInstance({ status: Status.STARTED, leaseOwner: 'w0', leaseExpiresAt: at(5000), readyAt: at(1) });
      const completed = makeInstance({ status: Status.COMPLETED, completedAt: at(2), readyAt: at(1) });
      const untouched = [future, otherName, started, completed];
      await storage.insert([lowOld, highNew, highOld, tieB, tieA, repeating, ...untouched]);
      const before = await Promise.all(untouched.map((i) => snapshot(i.id)));

      const first = await storage.claim({ ...request, limit: 4 });
      expect(ids(first)).toEqual([highOld.id, highNew.id, 'tie-a', 'tie-b']);
      const second = await storage.claim({ ...request, limit: 10 });
      expect(ids(second)).toEqual([lowOld.id, repeating.id]);
      expect(await storage.claim({ ...request, limit: 10 })).toEqual([]);

      for (const claimed of [...first, ...second]) {
        const stored = (await storage.get(claimed.id))!;
        expect(canonical(stored.state())).toBe(canonical(claimed.state()));
        expect(stored).toMatchObject({
          status: Status.STARTED,
          startedAt: now,
          completedAt: null,
          leaseOwner: 'w1',
          leaseExpiresAt: new Date(now.getTime() + 30_000),
        });
        const history = await storage.history(claimed.id);
        expect(history.at(-1)).toEqual(createEvent(EventType.STARTED, now, { attempt: stored.attempt }));
        expect(history).toHaveLength(2);
      }
      expect((await storage.get(repeating.id))!.attempt).toBe(3);
      expect((await storage.get(highOld.id))!.attempt).toBe(1);
      expect(await Promise.all(untouched.map((i) => snapshot(i.id)))).toEqual(before);
    });

    it('claims only the given names', async () => {
      const mine = makeInstance({ name: 'mine', readyAt: at(1) });
      const theirs = makeInstance({ name: 'theirs', readyAt: at(1) });
      await storage.insert([mine, theirs]);
      expect(ids(await storage.claim({ ...request, names: ['mine', 'absent'], limit: 10 }))).toEqual([mine.id]);
      expect(await storage.claim({ ...request, names: [], limit: 10 })).toEqual([]);
      expect((await storage.get(theirs.id))!.status).toBe(Status.PENDING);
    });

    it('honours per-name limits within one claim', async () => {
      const a = [1, 2, 3].map((n) => makeInstance({ name: 'a', priority: 3, readyAt: at(n) }));
      const b = [1, 2, 3].map((n) => makeInstance({ name: 'b', priority: 2, readyAt: at(n) }));
      const c = [1, 2, 3].map((n) => makeInstance({ name: 'c', priority: 1, readyAt: at(n) }));
      await storage.insert([...a, ...b, ...c]);
      const names = ['a', 'b', 'c'];
      const claimed = await storage.claim({ ...request, names, limit: 10, perNameLimits: { a: 1, b: 0, unrelated: 5 } });
      expect(ids(claimed)).toEqual([a[0]!.id, ...ids(c)]);
      expect(ids(await storage.claim({ ...request, names, limit: 2, perNameLimits: { a: 5 } }))).toEqual([a[1]!.id, a[2]!.id]);
      expect(await storage.count({ status: Status.PENDING })).toBe(3);
    });

    it('claims overdue PENDING instances whatever their readyAt with overdueOnly', async () => {
      const overdue = makeInstance({ readyAt: at(5000), deadlineAt: at(900) });
      const notDue = makeInstance({ readyAt: at(5000), deadlineAt: at(1100) });
      const readyNoDeadline = makeInstance({ readyAt: at(10) });
      const repeatingOverdue = makeInstance({ status: Status.REPEATING, readyAt: at(5000), deadlineAt: at(900) });
      await storage.insert([overdue, notDue, readyNoDeadline, repeatingOverdue]);
      const claimed = await storage.claim({ ...request, limit: 10, overdueOnly: true });
      expect(ids(claimed)).toEqual([overdue.id]);
      expect(claimed[0]).toMatchObject({ status: Status.STARTED, attempt: 1, leaseOwner: 'w1' });
      expect(await storage.count({ status: Status.STARTED })).toBe(1);
    });

    it('never claims more than the limit', async () => {
      await storage.insert(Array.from({ length: 7 }, (_, n) => makeInstance({ readyAt: at(n) })));
      expect(await storage.claim({ ...request, limit: 3 })).toHaveLength(3);
      expect(await storage.claim({ ...request, limit: 0 })).toEqual([]);
      expect(await storage.count({ status: Status.STARTED })).toBe(3);
    });
  });

  describe('transition', () => {
    it('applies nothing when the guard fails: wrong status, wrong owner, or a lease not yet expired', async () => {
      const target = running('w1', at(100));
      const unleased = makeInstance({ status: Status.STARTED, leaseOwner: 'w1', leaseExpiresAt: null });
      await storage.insert([target, unleased]);
      const before = [await snapshot(target.id), await snapshot(unleased.id)];
      const patch = { status: Status.COMPLETED, completedAt: at(200) };
      const events = [createEvent(EventType.COMPLETED, at(200), { attempt: 1 })];
      const outcomes = await storage.transition([
        transition(target.id, { statuses: [Status.PENDING] }, patch, events),
        transition(target.id, { statuses: [Status.STARTED], leaseOwner: 'w2' }, patch, events),
        transition(target.id, { statuses: [Status.STARTED], leaseExpiredBefore: at(100) }, patch, events),
        transition(unleased.id, { statuses: [Status.STARTED], leaseExpiredBefore: at(5000) }, patch, events),
        transition('missing', { statuses: [Status.STARTED] }, patch, events),
      ]);
      expect(outcomes).toEqual(Array.from({ length: 5 }, () => ({ applied: false, skippedChildren: [] })));
      expect([await snapshot(target.id), await snapshot(unleased.id)]).toEqual(before);
    });

    it('writes every patched field and appends the events in order when the guard holds', async () => {
      const target = running('w1', at(100), { data: { keep: 1 }, uniqueKey: 'u' });
      const bystanderBefore = running('w1', at(100));
      const bystanderAfter = running('w1', at(100));
      await storage.insert([bystanderBefore, target, bystanderAfter]);
      const patch = {
        status: Status.FAILED,
        data: JSON.parse('{"__proto__":{"p":1},"keep":2,"nested":{"list":[1,"ü"]}}') as Record<string, unknown>,
        retries: 0,
        maxRetries: 9,
        attempt: 4,
        readyAt: at(300),
        startedAt: at(301),
        completedAt: at(302),
        error: 'it broke ✗',
        metadata: { m: { n: [true] } },
        leaseOwner: null,
        leaseExpiresAt: null,
      };
      const events = [
        createEvent(EventType.FAILED, at(302), { attempt: 1, error: 'it broke ✗', durationMs: 2 }),
        createEvent(EventType.RECOVERED, at(303), { message: 'recover ran' }),
      ];
      const outcomes = await storage.transition([
        transition(bystanderBefore.id, { statuses: [Status.PENDING] }),
        transition(target.id, { statuses: [Status.STARTED], leaseOwner: 'w1', leaseExpiredBefore: at(101) }, patch, events),
        transition(bystanderAfter.id, { statuses: [Status.STARTED], leaseOwner: 'other' }),
      ]);
      expect(outcomes.map((o) => o.applied)).toEqual([false, true, false]);
      const stored = (await storage.get(target.id))!;
      expect(canonical(stored.state())).toBe(canonical({ ...target.state(), ...patch }));
      expect(canonical(await storage.history(target.id))).toBe(canonical([...target.history, ...events]));
      expect((await storage.get(bystanderBefore.id))!.status).toBe(Status.STARTED);
      expect((await storage.get(bystanderAfter.id))!.status).toBe(Status.STARTED);
    });

    it('applies transitions of one instance in a batch in order, each seeing the last', async () => {
      const target = running('w1', at(100));
      await storage.insert([target]);
      const outcomes = await storage.transition([
        transition(target.id, { statuses: [Status.STARTED], leaseOwner: 'w1' }, { status: Status.PENDING, leaseOwner: null }, [
          createEvent(EventType.RETRYING, at(2)),
        ]),
        transition(target.id, { statuses: [Status.STARTED] }, { status: Status.FAILED }),
        transition(target.id, { statuses: [Status.PENDING] }, { status: Status.CANCELLED, completedAt: at(3) }, [
          createEvent(EventType.CANCELLED, at(3)),
        ]),
      ]);
      expect(outcomes.map((o) => o.applied)).toEqual([true, false, true]);
      expect((await storage.get(target.id))!).toMatchObject({ status: Status.CANCELLED, leaseOwner: null, completedAt: at(3) });
      expect((await storage.history(target.id)).map((e) => e.type)).toEqual([EventType.CREATED, EventType.RETRYING, EventType.CANCELLED]);
    });

    it('creates children with the transition and skips those whose unique key is held', async () => {
      const parent = running('w1', at(100));
      const holder = makeInstance({ uniqueKey: 'taken' });
      await storage.insert([parent, holder]);
      const fresh = makeInstance({ uniqueKey: 'fresh', parentId: parent.id, tags: ['child'] });
      const clash = makeInstance({ uniqueKey: 'taken', parentId: parent.id });
      const plain = makeInstance({ parentId: parent.id, data: { n: 1 } });
      const twin = makeInstance({ uniqueKey: 'fresh', parentId: parent.id });
      const [outcome] = await storage.transition([
        {
          ...transition(parent.id, { statuses: [Status.STARTED], leaseOwner: 'w1' }, { status: Status.COMPLETED, completedAt: at(5) }),
          children: [fresh, clash, plain, twin],
        },
      ]);
      expect(outcome).toEqual({ applied: true, skippedChildren: [clash.id, twin.id] });
      for (const child of [fresh, plain]) {
        expect(canonical((await storage.get(child.id))!.state())).toBe(canonical(child.state()));
        expect(canonical(await storage.history(child.id))).toBe(canonical(child.history));
      }
      for (const child of [clash, twin]) {
        expect(await storage.get(child.id)).toBeNull();
        expect(await storage.history(child.id)).toEqual([]);
      }
      expect(ids(await storage.find({ parentId: parent.id, orderBy: 'id' }))).toEqual([fresh.id, plain.id].sort());
    });

    it('creates no children when the guard fails, and lets a child reuse its finishing parent’s key', async () => {
      const parent = running('w1', at(100), { uniqueKey: 'chain' });
      await storage.insert([parent]);
      const orphan = makeInstance();
      const [refused] = await storage.transition([
        { ...transition(parent.id, { statuses: [Status.PENDING] }, { status: Status.COMPLETED }), children: [orphan] },
      ]);
      expect(refused).toEqual({ applied: false, skippedChildren: [] });
      expect(await storage.get(orphan.id)).toBeNull();

      const next = makeInstance({ uniqueKey: 'chain', parentId: parent.id });
      const [outcome] = await storage.transition([
        {
          ...transition(parent.id, { statuses: [Status.STARTED] }, { status: Status.COMPLETED, completedAt: at(9), leaseOwner: null }),
          children: [next],
        },
      ]);
      expect(outcome).toEqual({ applied: true, skippedChildren: [] });
      expect((await storage.get(next.id))!.status).toBe(Status.PENDING);
    });

    it('throws DuplicateCommandError for a reactivation whose key is taken, after applying the transitions before it', async () => {
      const before = running('w1', at(100));
      const dead = makeInstance({ status: Status.DEAD_LETTER, uniqueKey: 'dk', completedAt: at(3) });
      const holder = makeInstance({ uniqueKey: 'dk' });
      const after = running('w1', at(100));
      await storage.insert([before, dead, holder, after]);
      const deadBefore = await snapshot(dead.id);
      const error = await storage
        .transition([
          transition(before.id, { statuses: [Status.STARTED] }, { status: Status.COMPLETED, completedAt: at(4) }),
          transition(dead.id, { statuses: [Status.DEAD_LETTER] }, { status: Status.PENDING, completedAt: null }, [
            createEvent(EventType.RECOVERED, at(4)),
          ]),
          transition(after.id, { statuses: [Status.STARTED] }, { status: Status.COMPLETED, completedAt: at(4) }),
        ])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateCommandError);
      expect(error).toMatchObject({ uniqueKey: 'dk', existingId: holder.id });
      expect((await storage.get(before.id))!.status).toBe(Status.COMPLETED);
      expect(await snapshot(dead.id)).toBe(deadBefore);
      expect((await storage.get(after.id))!.status).toBe(Status.STARTED);
    });
  });

  describe('leases and wake-ups', () => {
    it('renews only the leases the owner still holds', async () => {
      const a = running('w1', at(100));
      const b = running('w2', at(100));
      const c = makeInstance({ leaseOwner: 'w1', leaseExpiresAt: at(100) });
      const d = running('w1', at(100));
      await storage.insert([a, b, c, d]);
      expect(await storage.renewLeases('w1', [d.id, 'missing', a.id, b.id, c.id], at(500))).toEqual([d.id, a.id]);
      expect((await storage.get(a.id))!.leaseExpiresAt).toEqual(at(500));
      expect((await storage.get(d.id))!.leaseExpiresAt).toEqual(at(500));
      expect((await storage.get(b.id))!.leaseExpiresAt).toEqual(at(100));
      expect((await storage.get(c.id))!.leaseExpiresAt).toEqual(at(100));
      expect(await storage.renewLeases('w1', [], at(600))).toEqual([]);
    });

    it('finds STARTED instances whose lease expired, earliest first', async () => {
      const late = running('w1', at(50));
      const early = running('w2', at(10));
      const live = running('w1', at(200));
      const pending = makeInstance({ leaseOwner: 'w1', leaseExpiresAt: at(5) });
      await storage.insert([late, early, live, pending]);
      expect(ids(await storage.findExpiredLeases(at(100), 10))).toEqual([early.id, late.id]);
      expect(ids(await storage.findExpiredLeases(at(100), 1))).toEqual([early.id]);
      expect(await storage.findExpiredLeases(at(10), 10)).toEqual([]);
    });

    it('tells when waiting instances of the names are next ready, and their earliest deadline apart', async () => {
      const none = { readyAt: null, deadlineAt: null };
      expect(await storage.nextWakeAt(['job'])).toEqual(none);
      await storage.insert([
        makeInstance({ readyAt: at(500) }),
        makeInstance({ status: Status.REPEATING, readyAt: at(300), deadlineAt: at(50) }),
        makeInstance({ status: Status.STARTED, readyAt: at(1), leaseOwner: 'w', leaseExpiresAt: at(2), deadlineAt: at(3) }),
        makeInstance({ status: Status.COMPLETED, readyAt: at(1), completedAt: at(2) }),
        makeInstance({ name: 'other', readyAt: at(5) }),
      ]);
      expect(await storage.nextWakeAt(['job'])).toEqual({ readyAt: at(300), deadlineAt: null });
      expect(await storage.nextWakeAt(['other', 'job'])).toEqual({ readyAt: at(5), deadlineAt: null });
      expect(await storage.nextWakeAt(['none'])).toEqual(none);
      expect(await storage.nextWakeAt([])).toEqual(none);
      await storage.insert([makeInstance({ readyAt: at(900), deadlineAt: at(100) }), makeInstance({ readyAt: at(900), deadlineAt: at(700) })]);
      expect(await storage.nextWakeAt(['job'])).toEqual({ readyAt: at(300), deadlineAt: at(100) });
      expect(await storage.nextWakeAt(['other'])).toEqual({ readyAt: at(5), deadlineAt: null });
    });
  });

  describe('find, count and countBy', () => {
    const rows = () => ({
      r1: makeInstance({ id: 'q-a%1', name: 'alpha', tags: ['x', 'y'], parentId: 'p1', correlationId: 'c1', traceId: 't1', createdAt: at(10), readyAt: at(40), priority: 1 }),
      r2: makeInstance({ id: 'q-a_2', name: 'alpha', status: Status.COMPLETED, tags: ['x'], parentId: 'p1', correlationId: 'c1', createdAt: at(20), readyAt: at(30), completedAt: at(100), priority: 3 }),
      r3: makeInstance({ id: 'q-ab3', name: 'beta', status: Status.FAILED, tags: ['y'], parentId: 'p2', correlationId: 'c2', traceId: 't1', createdAt: at(30), readyAt: at(20), completedAt: at(50), priority: 2 }),
      r4: makeInstance({ id: 'Q-A4', name: 'beta', status: Status.DEAD_LETTER, correlationId: 'c2', createdAt: at(40), readyAt: at(10), completedAt: at(75), priority: 3 }),
      r5: makeInstance({ id: 'q-b5', name: 'gamma', status: Status.STARTED, tags: ['x', 'y', 'z'], createdAt: at(50), readyAt: at(50), priority: 0 }),
      r6: makeInstance({ id: 'q-b6', name: 'alpha', status: Status.CANCELLED, createdAt: at(50), readyAt: at(60), completedAt: at(100), priority: 1 }),
    });

    it('filters by every field and orders, with ties broken by id', async () => {
      const r = rows();
      await storage.insert(Object.values(r));
      const cases: [InstanceQuery, Instance[]][] = [
        [{}, [r.r1, r.r2, r.r3, r.r4, r.r5, r.r6]],
        [{ orderDesc: true }, [r.r6, r.r5, r.r4, r.r3, r.r2, r.r1]],
        [{ status: Status.PENDING }, [r.r1]],
        [{ status: [Status.COMPLETED, Status.FAILED] }, [r.r2, r.r3]],
        [{ status: [] }, [r.r1, r.r2, r.r3, r.r4, r.r5, r.r6]],
        [{ name: 'alpha' }, [r.r1, r.r2, r.r6]],
        [{ parentId: 'p1' }, [r.r1, r.r2]],
        [{ correlationId: 'c2' }, [r.r3, r.r4]],
        [{ traceId: 't1' }, [r.r1, r.r3]],
        [{ tags: ['x'] }, [r.r1, r.r2, r.r5]],
        [{ tags: ['x', 'y'] }, [r.r1, r.r5]],
        [{ tags: ['z', 'x'] }, [r.r5]],
        [{ tags: ['nope'] }, []],
        [{ idPrefix: 'q-a%' }, [r.r1]],
        [{ idPrefix: 'q-a_' }, [r.r2]],
        [{ idPrefix: 'q-a' }, [r.r1, r.r2, r.r3]],
        [{ idPrefix: 'Q-' }, [r.r4]],
        [{ idPrefix: 'q-' }, [r.r1, r.r2, r.r3, r.r5, r.r6]],
        [{ createdAfter: at(20) }, [r.r3, r.r4, r.r5, r.r6]],
        [{ createdBefore: at(30) }, [r.r1, r.r2]],
        [{ createdAfter: at(10), createdBefore: at(50) }, [r.r2, r.r3, r.r4]],
        [{ completedBefore: at(100) }, [r.r3, r.r4]],
        [{ orderBy: 'completedAt' }, [r.r3, r.r4, r.r2, r.r6, r.r1, r.r5]],
        [{ orderBy: 'completedAt', orderDesc: true }, [r.r5, r.r1, r.r6, r.r2, r.r4, r.r3]],
        [{ orderBy: 'priority' }, [r.r5, r.r1, r.r6, r.r3, r.r4, r.r2]],
        [{ orderBy: 'priority', orderDesc: true }, [r.r2, r.r4, r.r3, r.r6, r.r1, r.r5]],
        [{ orderBy: 'readyAt' }, [r.r4, r.r3, r.r2, r.r1, r.r5, r.r6]],
        [{ orderBy: 'id' }, [r.r4, r.r1, r.r2, r.r3, r.r5, r.r6]],
        [{ orderBy: 'id', orderDesc: true }, [r.r6, r.r5, r.r3, r.r2, r.r1, r.r4]],
        [{ name: 'alpha', status: [Status.COMPLETED, Status.CANCELLED], orderBy: 'completedAt', orderDesc: true }, [r.r6, r.r2]],
        [{ limit: 2 }, [r.r1, r.r2]],
        [{ limit: 2, offset: 2 }, [r.r3, r.r4]],
        [{ offset: 4 }, [r.r5, r.r6]],
        [{ limit: 0 }, []],
        [{ name: 'alpha', limit: 1, offset: 1, orderDesc: true }, [r.r2]],
      ];
      for (const [query, expected] of cases) {
        expect({ query, found: ids(await storage.find(query)) }).toEqual({ query, found: ids(expected) });
        if (query.limit === undefined && query.offset === undefined) {
          expect({ query, count: await storage.count(query) }).toEqual({ query, count: expected.length });
        }
      }
      const found = await storage.find({ idPrefix: 'q-a%' });
      expect(canonical(found[0]!.state())).toBe(canonical(r.r1.state()));
    });

    it('finds a workflow by correlation id: its root, whose correlation id is its own id, and the rest', async () => {
      const root = makeInstance({ id: 'wf-root', correlationId: 'wf-root', status: Status.COMPLETED, completedAt: at(5) });
      const child = makeInstance({ id: 'wf-child', correlationId: 'wf-root', parentId: 'wf-root' });
      const grandchild = makeInstance({ id: 'wf-grandchild', correlationId: 'wf-root', parentId: 'wf-child', status: Status.STARTED });
      const otherRoot = makeInstance({ id: 'wf-other', correlationId: 'wf-other' });
      const namedAfterRoot = makeInstance({ id: 'wf-root-2', correlationId: 'elsewhere' });
      await storage.insert([root, child, grandchild, otherRoot, namedAfterRoot]);
      expect(ids(await storage.find({ correlationId: 'wf-root', orderBy: 'id' }))).toEqual(['wf-child', 'wf-grandchild', 'wf-root']);
      expect(await storage.count({ correlationId: 'wf-root', status: Status.PENDING })).toBe(1);
      expect(ids(await storage.find({ correlationId: 'wf-other' }))).toEqual(['wf-other']);
      expect(ids(await storage.find({ correlationId: 'elsewhere' }))).toEqual(['wf-root-2']);
    });

    it('counts, and counts grouped by status or name', async () => {
      await storage.insert(Object.values(rows()));
      expect(await storage.count()).toBe(6);
      expect(await storage.count({ name: 'alpha' })).toBe(3);
      expect(await storage.count({ tags: ['x'], status: [Status.PENDING, Status.STARTED] })).toBe(2);
      expect(await storage.countBy('status')).toEqual({
        PENDING: 1,
        COMPLETED: 1,
        FAILED: 1,
        DEAD_LETTER: 1,
        STARTED: 1,
        CANCELLED: 1,
      });
      expect(await storage.countBy('name')).toEqual({ alpha: 3, beta: 2, gamma: 1 });
      expect(await storage.countBy('name', { tags: ['x'] })).toEqual({ alpha: 2, gamma: 1 });
      expect(await storage.countBy('status', { name: 'none' })).toEqual({});
    });
  });

  describe('cleanup and delete', () => {
    it('deletes finished instances older than the cut-off, oldest first, at most `limit`, sparing the DLQ and active ones', async () => {
      const finished = [Status.COMPLETED, Status.FAILED, Status.EXPIRED, Status.CANCELLED].map((status, n) =>
        makeInstance({ status, completedAt: at(10 * (n + 1)) }),
      );
      const recent = makeInstance({ status: Status.COMPLETED, completedAt: at(500) });
      const dead = makeInstance({ status: Status.DEAD_LETTER, completedAt: at(5) });
      const active = makeInstance({ completedAt: at(5) });
      const started = running('w1', at(1000));
      await storage.insert([...finished, recent, dead, active, started]);

      expect(await storage.cleanup(at(100), 3)).toBe(3);
      for (const gone of finished.slice(0, 3)) {
        expect(await storage.get(gone.id)).toBeNull();
        expect(await storage.history(gone.id)).toEqual([]);
      }
      expect(await storage.cleanup(at(100), 10)).toBe(1);
      expect(await storage.cleanup(at(100), 10)).toBe(0);
      expect(await storage.cleanup(at(1000), 0)).toBe(0);
      expect(ids(await storage.find({ orderBy: 'id' }))).toEqual(ids([recent, dead, active, started]).sort());
      expect(await storage.history(dead.id)).toHaveLength(1);
    });

    it('deletes instances with their history and ignores missing ids', async () => {
      const [a, b, c] = [makeInstance(), makeInstance(), makeInstance()];
      await storage.insert([a!, b!, c!]);
      expect(await storage.delete([a!.id, 'missing', b!.id])).toBe(2);
      expect(await storage.get(a!.id)).toBeNull();
      expect(await storage.history(b!.id)).toEqual([]);
      expect((await storage.get(c!.id))!.id).toBe(c!.id);
      expect(await storage.delete([])).toBe(0);
    });
  });

  describe('transactions', () => {
    it('commits what the function wrote when it resolves', async () => {
      const existing = running('w1', at(100));
      await storage.insert([existing]);
      const added = makeInstance();
      const result = await storage.transaction!(async (tx) => {
        await tx.insert([added]);
        await tx.transition([transition(existing.id, { statuses: [Status.STARTED] }, { status: Status.COMPLETED, completedAt: at(7) })]);
        expect((await tx.get(added.id))!.id).toBe(added.id);
        return 'done';
      });
      expect(result).toBe('done');
      expect(canonical((await storage.get(added.id))!.state())).toBe(canonical(added.state()));
      expect((await storage.get(existing.id))!.status).toBe(Status.COMPLETED);
    });

    it('rolls back everything the function wrote when it throws', async () => {
      const existing = running('w1', at(100));
      await storage.insert([existing]);
      const before = await snapshot(existing.id);
      const added = makeInstance();
      await expect(
        storage.transaction!(async (tx) => {
          await tx.insert([added]);
          await tx.transition([
            transition(existing.id, { statuses: [Status.STARTED] }, { status: Status.COMPLETED }, [createEvent(EventType.COMPLETED, at(8))]),
          ]);
          await tx.claim({ owner: 'w9', limit: 10, leaseMs: 1000, now: at(10_000), names: ['job'] });
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await storage.get(added.id)).toBeNull();
      expect(await storage.history(added.id)).toEqual([]);
      expect(await snapshot(existing.id)).toBe(before);
    });

    // Only the database storages take a caller's EntityManager; memory has no such thing to test.
    if (kind !== 'memory') it("inserts inside the caller's EntityManager transaction: committed, rolled back, and after a duplicate", async () => {
      const { dataSource } = storage as TypeOrmStorage;
      const committed = makeInstance({ uniqueKey: 'mine' });
      await dataSource.transaction(async (manager) => {
        await storage.insert([committed], { transaction: manager });
      });
      expect(canonical((await storage.get(committed.id))!.state())).toBe(canonical(committed.state()));
      expect(await storage.history(committed.id)).toHaveLength(1);

      const rolledBack = makeInstance();
      await expect(
        dataSource.transaction(async (manager) => {
          await storage.insert([rolledBack], { transaction: manager });
          throw new Error('caller rolls back');
        }),
      ).rejects.toThrow('caller rolls back');
      expect(await storage.get(rolledBack.id)).toBeNull();
      expect(await storage.history(rolledBack.id)).toEqual([]);

      // A duplicate key fails the insert, not the caller's transaction.
      const survivor = makeInstance();
      await dataSource.transaction(async (manager) => {
        await expect(storage.insert([makeInstance({ uniqueKey: 'mine' })], { transaction: manager })).rejects.toBeInstanceOf(DuplicateCommandError);
        await storage.insert([survivor], { transaction: manager });
      });
      expect((await storage.get(survivor.id))!.id).toBe(survivor.id);
      expect(await storage.count()).toBe(2);
    });
  });

  describe('notifications and lifecycle', () => {
    it('tells subscribers about new work and cancellations', async () => {
      const seen: StorageNotification[] = [];
      const unsubscribe = storage.subscribe!((notification) => seen.push(notification));
      const readyFor = (name: string) =>
        seen.some((n) => n.type === 'ready' && (n.names === undefined || n.names.includes(name)));

      await storage.insert([makeInstance({ name: 'wake-me' })]);
      await waitFor(() => readyFor('wake-me'), { description: 'ready after insert' });

      const retried = running('w1', at(100), { name: 'retry-me' });
      await storage.insert([retried]);
      await storage.transition([transition(retried.id, { statuses: [Status.STARTED] }, { status: Status.PENDING, readyAt: at(200) })]);
      await waitFor(() => readyFor('retry-me'), { description: 'ready after a retry' });

      await storage.notify!({ type: 'cancelled', ids: ['x1', 'x2'] });
      await waitFor(() => seen.some((n) => n.type === 'cancelled' && n.ids.join() === 'x1,x2'), { description: 'cancelled' });

      unsubscribe();
      const count = seen.length;
      await storage.notify!({ type: 'cancelled', ids: ['x3'] });
      await storage.ping();
      expect(seen).toHaveLength(count);
    });

    it('answers ping, and refuses work once closed', async () => {
      await storage.ping();
      await storage.close();
      await expect(storage.get('x')).rejects.toBeInstanceOf(StorageClosedError);
      await expect(storage.insert([makeInstance()])).rejects.toBeInstanceOf(StorageClosedError);
      await expect(storage.claim({ owner: 'w', limit: 1, leaseMs: 1, now: at(0), names: ['job'] })).rejects.toBeInstanceOf(StorageClosedError);
      await storage.close();
    });
  });
});
