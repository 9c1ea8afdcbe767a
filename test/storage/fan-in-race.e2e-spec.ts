import {
  createEvent,
  createTypeOrmStorage,
  type DurexStorage,
  EventType,
  type Instance,
  isWaiting,
  Status,
  type Transition,
  WAITING_READY_AT,
} from 'nestjs-durex';
import { afterEach, describe, expect, it } from 'vitest';
import { makeInstance, TEST_EPOCH } from '../support/instances.js';
import { openTestStorage, postgresSchemaFor, postgresUrl, type TestStorage } from '../support/storages.js';

const OWNER = 'racer';
const FAR = new Date(TEST_EPOCH + 3_600_000);

/** The transition that completes a leased instance at `at`. */
function completion(id: string, at: number): Transition {
  const when = new Date(at);
  return {
    id,
    guard: { statuses: [Status.STARTED], leaseOwner: OWNER },
    patch: { status: Status.COMPLETED, completedAt: when, leaseOwner: null, leaseExpiresAt: null },
    events: [createEvent(EventType.COMPLETED, when)],
  };
}

/** Shuffled, so the two connections end the instances of one waiter in no fixed order. */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('fan-in bookkeeping with two connection pools on one PostgreSQL schema', () => {
  let primary: TestStorage | undefined;
  let other: DurexStorage | undefined;

  afterEach(async () => {
    await other?.close();
    await primary?.dispose();
    other = undefined;
    primary = undefined;
  });

  async function twoStorages(): Promise<[DurexStorage, DurexStorage]> {
    const testId = expect.getState().currentTestName ?? 'fan-in race';
    primary = await openTestStorage('postgres', testId);
    other = await createTypeOrmStorage({ type: 'postgres', url: postgresUrl(), schema: postgresSchemaFor(testId), poolSize: 4 });
    return [primary.storage, other];
  }

  /** Started instances of `name`, leased by OWNER. */
  function started(count: number, name: string): Instance[] {
    return Array.from({ length: count }, () => makeInstance({ name, status: Status.STARTED, leaseOwner: OWNER, leaseExpiresAt: FAR, attempt: 1 }));
  }

  it('releases each waiter once its last child ends, when its children end at once on two connections', async () => {
    const [a, b] = await twoStorages();
    const WAITERS = 300;
    const parents = started(WAITERS, 'parent');
    await a.insert(parents);
    const children: Instance[][] = [];
    const waiters: Instance[] = [];
    const spawns: Transition[] = parents.map((parent) => {
      const kids = [makeInstance({ name: 'child', parentId: parent.id }), makeInstance({ name: 'child', parentId: parent.id })];
      const waiter = makeInstance({ name: 'then', parentId: parent.id, readyAt: WAITING_READY_AT });
      children.push(kids);
      waiters.push(waiter);
      return {
        ...completion(parent.id, TEST_EPOCH),
        children: [...kids, waiter],
        dependencies: kids.map((kid) => ({ waiterId: waiter.id, dependencyId: kid.id })),
      };
    });
    expect((await a.transition(spawns)).every((outcome) => outcome.applied)).toBe(true);
    const claimed = await a.claim({ owner: OWNER, limit: 2 * WAITERS, leaseMs: 3_600_000, now: new Date(TEST_EPOCH + 1_000_000), names: ['child'] });
    expect(claimed).toHaveLength(2 * WAITERS);
    expect(await a.count({ name: 'then', status: Status.PENDING })).toBe(WAITERS);

    // Each waiter's two children are ended one by one, the first on one pool and the second on the
    // other, all at once: up to eight statements in flight.
    const ends = children.map((kids, n) => kids.map((_, k) => TEST_EPOCH + 2_000_000 + 2 * n + k));
    const jobs = shuffled(children.flatMap((kids, n) => kids.map((kid, k) => () => (k === 0 ? a : b).transition([completion(kid.id, ends[n]![k]!)]))));
    const outcomes = await Promise.all(jobs.map((job) => job()));
    expect(outcomes.every(([outcome]) => outcome!.applied)).toBe(true);

    const stored = await a.find({ name: 'then', limit: WAITERS });
    const byId = new Map(stored.map((waiter) => [waiter.id, waiter]));
    const stuck = waiters.filter((waiter) => isWaiting(byId.get(waiter.id)!));
    expect(stuck).toEqual([]);
    waiters.forEach((waiter, n) => expect(byId.get(waiter.id)!.readyAt.getTime()).toBe(Math.max(...ends[n]!)));
    const recorded = await Promise.all(waiters.map((waiter) => b.dependencyOutcomes(waiter.id)));
    expect(recorded.map((list) => list.map((o) => [o.id, o.status]))).toEqual(children.map((kids) => kids.map((kid) => [kid.id, Status.COMPLETED])));
  });

  it('never leaves a dependsOn waiter waiting when its dependency ends while it is inserted', async () => {
    const [a, b] = await twoStorages();
    const PAIRS = 200;
    const dependencies = started(PAIRS, 'job');
    await a.insert(dependencies);
    const waiters = dependencies.map(() => makeInstance({ name: 'report', readyAt: WAITING_READY_AT }));
    const jobs = shuffled(
      dependencies.flatMap((dependency, n) => [
        () => b.transition([completion(dependency.id, TEST_EPOCH + 2_000_000 + n)]),
        () => a.insert([waiters[n]!], { dependencies: [{ waiterId: waiters[n]!.id, dependencyId: dependency.id }] }),
      ]),
    );
    await Promise.all(jobs.map((job) => job()));

    const stored = await a.find({ name: 'report', limit: PAIRS });
    expect(stored).toHaveLength(PAIRS);
    expect(stored.filter((waiter) => isWaiting(waiter))).toEqual([]);
    const recorded = await Promise.all(waiters.map((waiter) => a.dependencyOutcomes(waiter.id)));
    expect(recorded.map((list) => list.map((o) => [o.id, o.status]))).toEqual(dependencies.map((dependency) => [[dependency.id, Status.COMPLETED]]));
  });
});
