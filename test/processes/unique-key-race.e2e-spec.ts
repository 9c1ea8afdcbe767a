import { describe, expect, it } from 'vitest';
import { CLEAN_EXIT } from './support/child-processes.js';
import { useProcessTest } from './support/process-harness.js';

const PER_PROCESS = 25;
/** Far enough ahead that the signal reaches both processes before it. */
const START_IN = 500;

describe('two processes adding one unique key at the same moment', () => {
  const { spawn, postgres } = useProcessTest();

  it(`create exactly one instance out of ${2 * PER_PROCESS} concurrent adds`, async () => {
    const db = await postgres();
    const labels = ['racer-a', 'racer-b'];
    const racers = labels.map((label) =>
      spawn('unique-racer', { storage: db.forChild(10), name: 'raced', uniqueKey: 'the-one', count: PER_PROCESS }, label),
    );
    await Promise.all(racers.map((racer) => racer.ready()));
    const at = Date.now() + START_IN;
    for (const racer of racers) racer.send({ type: 'go', at });
    const reports = await Promise.all(racers.map((racer) => racer.next('raced')));
    const exits = await Promise.all(racers.map((racer) => racer.finished()));
    expect(exits).toEqual(racers.map(() => (CLEAN_EXIT)));

    expect(reports.flatMap((report) => report.errors)).toEqual([]);
    const created = reports.flatMap((report) => report.created);
    const duplicates = reports.reduce((sum, report) => sum + report.duplicates, 0);
    expect(created).toHaveLength(1);
    expect(duplicates).toBe(2 * PER_PROCESS - 1);
    const stored = await db.storage.find({ name: 'raced' });
    expect(stored.map((instance) => [instance.id, instance.uniqueKey])).toEqual([[created[0], 'the-one']]);
    // Each refusal names the instance that holds the key, in whichever process created it.
    expect(new Set(reports.flatMap((report) => report.holders))).toEqual(new Set(created));
    const [a, b] = reports as [(typeof reports)[0], (typeof reports)[0]];
    const overlap = Math.min(a.to, b.to) - Math.max(a.from, b.from);
    console.log(
      `[unique-key-race] ${2 * PER_PROCESS} adds from 2 processes: 1 created (by ${labels[reports.findIndex((report) => report.created.length > 0)]}), ` +
        `DuplicateCommandError ${reports.map((report) => report.duplicates).join(' + ')} = ${duplicates}; ` +
        `the two bursts took ${a.to - a.from} and ${b.to - b.from} ms and overlapped for ${overlap} ms`,
    );
  });
});
