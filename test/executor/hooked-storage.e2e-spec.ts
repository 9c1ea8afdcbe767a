import { DuplicateCommandError, HookedStorage, Result, Status, type StorageHooks } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

describe.each(STORAGE_KINDS)('HookedStorage on %s', (kind) => {
  const { storage, executorOn } = useExecutors(kind);

  it('calls afterCreate, afterUpdate (claims included) and afterDelete after the operations succeed', async () => {
    const events: string[] = [];
    const hooked = new HookedStorage(await storage(), {
      afterCreate: (i) => events.push(`create:${i.name}`),
      afterUpdate: (t) => events.push(`update:${t.patch.status}`),
      afterDelete: (id) => events.push(`delete:${id}`),
    });
    const ex = executorOn(hooked);
    ex.handle('a', () => Result.next({ name: 'b' }));
    ex.handle('b', () => undefined);
    await ex.start();
    const a = await ex.add({ name: 'a' });
    await waitFor(() => events.filter((e) => e === 'update:COMPLETED').length === 2);
    await ex.stop();
    expect(await hooked.delete([a.id])).toBe(1);
    expect(events).toEqual(['create:a', 'update:STARTED', 'update:COMPLETED', 'create:b', 'update:STARTED', 'update:COMPLETED', `delete:${a.id}`]);
  });

  it('reports a claim as the transition to STARTED it amounts to', async () => {
    const claims: Parameters<NonNullable<StorageHooks['afterUpdate']>>[0][] = [];
    const hooked = new HookedStorage(await storage(), { afterUpdate: (t) => void (t.patch.status === Status.STARTED && claims.push(t)) });
    const ex = executorOn(hooked);
    ex.handle('job', () => undefined);
    await ex.start();
    const added = await ex.add({ name: 'job' });
    await waitFor(async () => (await ex.get(added.id)).status === Status.COMPLETED);
    const stored = await ex.get(added.id);
    const started = stored.history.find((e) => e.type === 'started')!;
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({
      id: added.id,
      guard: { statuses: [Status.PENDING, Status.REPEATING] },
      patch: { status: Status.STARTED, attempt: 1, startedAt: stored.startedAt, leaseOwner: ex.workerId },
      events: [{ type: 'started', attempt: 1, timestamp: started.timestamp }],
    });
  });

  it('reports to afterDelete only the ids it deleted', async () => {
    const deleted: string[] = [];
    const hooked = new HookedStorage(await storage(), { afterDelete: (id) => void deleted.push(id) });
    const ex = executorOn(hooked, { commands: ['job'] });
    const [kept, gone] = await ex.addMany([{ name: 'job' }, { name: 'job' }]);
    expect(await hooked.delete(['no-such-id', gone!.id, gone!.id])).toBe(1);
    expect(deleted).toEqual([gone!.id]);
    expect(await hooked.get(kept!.id)).not.toBeNull();
    expect(await hooked.get(gone!.id)).toBeNull();
  });

  it('calls onError with the operation that failed, and still throws to the caller', async () => {
    const errors: [string, unknown][] = [];
    const hooked = new HookedStorage(await storage(), { onError: (operation, error) => void errors.push([operation, error]) });
    const ex = executorOn(hooked, { commands: ['job'] });
    await ex.add({ name: 'job', uniqueKey: 'once' });
    const refused = ex.add({ name: 'job', uniqueKey: 'once' });
    await expect(refused).rejects.toThrow(DuplicateCommandError);
    expect(errors).toEqual([['insert', await refused.catch((error: unknown) => error)]]);
    expect(await hooked.count({ name: 'job' })).toBe(1);
  });

  it('never lets a throwing hook break the operation, and reports it to onError', async () => {
    const reported: string[] = [];
    const fail = (hook: string) => () => {
      throw new Error(`${hook} broke`);
    };
    const hooked = new HookedStorage(await storage(), {
      afterCreate: fail('afterCreate'),
      afterUpdate: fail('afterUpdate'),
      afterDelete: fail('afterDelete'),
      onError: (operation, error) => void reported.push(`${operation}: ${(error as Error).message}`),
    });
    const ex = executorOn(hooked);
    ex.handle('job', () => undefined);
    await ex.start();
    const added = await ex.add({ name: 'job' });
    await waitFor(async () => (await ex.get(added.id)).status === Status.COMPLETED);
    await ex.stop();
    expect(await hooked.delete([added.id])).toBe(1);
    expect(await hooked.get(added.id)).toBeNull();
    expect(reported).toEqual([
      'hook:afterCreate: afterCreate broke',
      'hook:afterUpdate: afterUpdate broke',
      'hook:afterUpdate: afterUpdate broke',
      'hook:afterDelete: afterDelete broke',
    ]);
  });

  it('ignores an onError that throws, so the outcome of the operation stands', async () => {
    const hooked = new HookedStorage(await storage(), {
      afterCreate: () => {
        throw new Error('observer down');
      },
      onError: () => {
        throw new Error('reporter down too');
      },
    });
    const ex = executorOn(hooked, { commands: ['job'] });
    const added = await ex.add({ name: 'job', uniqueKey: 'k' });
    expect((await hooked.get(added.id))?.status).toBe(Status.PENDING);
    await expect(ex.add({ name: 'job', uniqueKey: 'k' })).rejects.toThrow(DuplicateCommandError);
  });
});
