import fc from 'fast-check';
import { Command, type CommandHandler, DurexClient, DurexError, Executor, InvalidSpecError, type Spec, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { durexForTest, useTestApp } from '../admin/http-app.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';
import { printFigures } from './support/drain-history.js';
import { FAULT_SIZES } from './support/fault-sizes.js';
import { hostileSpec } from './support/hostile-values.js';
import { expectStoredAsSpecified } from './support/read-back.js';

/** Declared but handled nowhere, so what the fuzz stores stays PENDING and reads back unchanged. */
const FUZZED = 'fuzzed';
const RUNS = FAULT_SIZES.fuzzRuns;

@Command('alive')
class AliveCommand implements CommandHandler {
  execute(): void {}
}

/** What Object.prototype owns before the fuzz: nothing may be added to it. */
const PROTOTYPE_BEFORE = Object.getOwnPropertyNames(Object.prototype).sort();

describe.each(STORAGE_KINDS)('hostile specs through DurexClient on %s storage', (kind) => {
  const current = useTestApp(kind, (storage) => ({ imports: [durexForTest({ storage, commands: [FUZZED] })], providers: [AliveCommand] }));

  it('rejects an array with holes in data, which JSON would store as nulls', async () => {
    const client = current().app.get(DurexClient);
    // eslint-disable-next-line no-sparse-arrays
    await expect(client.add({ name: FUZZED, data: { holes: [1, , 3] } })).rejects.toThrow(
      new InvalidSpecError('spec.data.holes[1]', 'is undefined, which JSON cannot represent; use null or leave the key out'),
    );
    expect(await client.count()).toBe(0);
  });

  it('rejects a command name in a sequence with a lone surrogate, which PostgreSQL would store as U+FFFD', async () => {
    const client = current().app.get(DurexClient);
    await expect(client.add({ name: FUZZED, sequence: ['x\udfff'] })).rejects.toThrow(
      new InvalidSpecError('spec.sequence[0]', 'must not contain lone UTF-16 surrogates'),
    );
    expect(await client.count()).toBe(0);
  });

  // Found by this suite: PostgreSQL's timestamptz starts at 4714 BC, so an earlier deadline failed
  // the insert with a raw DatabaseError; and times went to PostgreSQL as float seconds, so about 1 %
  // of dates before 1970 (1853-04-11T22:32:41.088Z) or far ahead (7224-08-23T22:23:20.757Z) read
  // back a millisecond early. Dates are now bounded to years 0000–9999 and written exactly.
  it('rejects a deadlineAt outside years 0000–9999 with an InvalidSpecError, and stores every one inside exactly', async () => {
    const client = current().app.get(DurexClient);
    for (const at of ['+010000-01-01T00:00:00.000Z', '-000001-12-31T23:59:59.999Z', '-010000-01-01T00:00:00.000Z', '+275760-04-07T05:55:49.134Z']) {
      await expect(client.add({ name: FUZZED, deadlineAt: new Date(at) }), at).rejects.toThrow(
        new InvalidSpecError('spec.deadlineAt', 'must be between 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z'),
      );
    }
    const first = Date.parse('0000-01-01T00:00:00.000Z');
    const last = Date.parse('9999-12-31T23:59:59.999Z');
    // The edges, the two dates the fuzz found, and 300 spread over the whole range (golden-ratio steps).
    const times = [first, last, Date.parse('1853-04-11T22:32:41.088Z'), Date.parse('7224-08-23T22:23:20.757Z')];
    for (let n = 1; n <= 300; n++) times.push(first + Math.floor(((n * 0.6180339887498949) % 1) * (last - first)));
    const specs = times.map((time) => ({ name: FUZZED, deadlineAt: new Date(time) }));
    const created = await client.addMany(specs);
    for (const [index, spec] of specs.entries()) expectStoredAsSpecified(spec, await client.get(created[index]!.id));
  });

  // Found by this suite: JSON writes -0 as 0, so PostgreSQL and SQLite read back 0 where memory kept
  // -0. Memory now stores what the databases store.
  it('reads back a -0 in a payload as 0, as JSON writes it', async () => {
    const client = current().app.get(DurexClient);
    const { id } = await client.add({ name: FUZZED, data: { rounded: Math.round(-0.4), list: [-0] } });
    const { data } = await client.get(id);
    expect([Object.is(data.rounded, 0), Object.is((data.list as number[])[0], 0)]).toEqual([true, true]);
  });

  it('rejects each bad spec with a DurexError and stores nothing, stores each good one exactly, and keeps running', async () => {
    const { app, executor } = current();
    const client = app.get(DurexClient);
    const tally = { accepted: 0, rejected: 0, batchesAccepted: 0, batchesRejected: 0 };
    const reasons = new Map<string, number>();

    /** Adds specs; checks the all-or-none rule and, when accepted, what each reads back as. */
    const attempt = async (specs: Record<string, unknown>[]) => {
      const before = await client.count();
      let created;
      try {
        created = specs.length === 1 ? [await client.add(specs[0] as unknown as Spec)] : await client.addMany(specs as unknown as Spec[]);
      } catch (error) {
        expect(error, String(error)).toBeInstanceOf(DurexError);
        expect((error as DurexError).message).toMatch(/^durex: \S/);
        const code = (error as DurexError).code;
        reasons.set(code, (reasons.get(code) ?? 0) + 1);
        expect(await client.count(), 'rows after a rejected batch').toBe(before);
        return false;
      }
      expect(await client.count()).toBe(before + specs.length);
      for (const [index, spec] of specs.entries()) expectStoredAsSpecified(spec, await client.get(created[index]!.id));
      return true;
    };

    await fc.assert(
      fc.asyncProperty(hostileSpec(FUZZED), async (spec) => {
        if (await attempt([spec])) tally.accepted += 1;
        else tally.rejected += 1;
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(hostileSpec(FUZZED), { minLength: 2, maxLength: 5 }), async (specs) => {
        if (await attempt(specs)) tally.batchesAccepted += 1;
        else tally.batchesRejected += 1;
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );

    // The fuzz both accepted and refused: it exercised both sides of every check above.
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.rejected).toBeGreaterThan(0);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_BEFORE);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Still serving.
    expect(app.get(Executor).isRunning()).toBe(true);
    const alive = await client.add({ name: 'alive' });
    await waitFor(async () => (await executor.get(alive.id)).status === Status.COMPLETED, { description: 'a job after the fuzz COMPLETED' });

    printFigures(`hostile-spec:${kind}`, {
      'single specs': `${tally.accepted} stored exactly, ${tally.rejected} rejected`,
      batches: `${tally.batchesAccepted} stored, ${tally.batchesRejected} rejected with no row written`,
      'rejections by code': [...reasons].map(([code, n]) => `${code} ${n}`).join(', '),
    });
  }, 180_000);
});
