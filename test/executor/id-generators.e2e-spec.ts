import { getIdGenerator, InvalidOptionsError, Result, setIdGenerator, SimpleIdGenerator, Status, type IdGenerator } from 'nestjs-durex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe.each(STORAGE_KINDS)('id generators on %s', (kind) => {
  const { executor } = useExecutors(kind);
  let processWide: IdGenerator;

  beforeEach(() => void (processWide = getIdGenerator()));
  afterEach(() => setIdGenerator(processWide));

  it("gives every instance, children included, an id from the executor's idGenerator, whatever the process-wide one", async () => {
    const ex = await executor({ idGenerator: new SimpleIdGenerator('job') });
    setIdGenerator(new SimpleIdGenerator('ignored'));
    ex.handle('parent', () => Result.next({ name: 'child' }));
    ex.handle('child', () => undefined);
    const [first, second] = await ex.addMany([{ name: 'child' }, { name: 'child' }]);
    await ex.start();
    const parent = await ex.add({ name: 'parent' });
    await waitFor(async () => (await ex.count({ status: Status.COMPLETED })) === 4);
    const [child] = await ex.find({ parentId: parent.id });
    expect([first!.id, second!.id, parent.id, child!.id]).toEqual(['job-1', 'job-2', 'job-3', 'job-4']);
    expect((await ex.get('job-4')).parentId).toBe('job-3');
  });

  it('uses the process-wide generator current at each add, so setIdGenerator after construction applies', async () => {
    const ex = await executor();
    ex.handle('job', () => undefined);
    setIdGenerator(new SimpleIdGenerator('late'));
    const [a, b] = [await ex.add({ name: 'job' }), await ex.add({ name: 'job' })];
    setIdGenerator(processWide);
    const c = await ex.add({ name: 'job' });
    expect([a.id, b.id]).toEqual(['late-1', 'late-2']);
    expect(c.id).toMatch(ULID);
    expect((await ex.get('late-2')).id).toBe('late-2');
  });

  it('rejects an idGenerator without generate()', async () => {
    await expect(executor({ idGenerator: {} as IdGenerator })).rejects.toThrow(InvalidOptionsError);
  });
});
