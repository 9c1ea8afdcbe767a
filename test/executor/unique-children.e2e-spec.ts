import { EventType, Result, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { MemoryLogger, useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

describe.each(STORAGE_KINDS)('children with a unique key on %s', (kind) => {
  const { executor } = useExecutors(kind);

  it('skips a child whose key another active instance holds, completes the parent, and logs the skip', async () => {
    const logger = new MemoryLogger();
    const ex = await executor({ logger });
    ex.handle('report', () => undefined);
    ex.handle('month', () => Result.spawn({ name: 'report', uniqueKey: 'report:2026-11' }, { name: 'report', uniqueKey: 'report:2026-12' }));
    await ex.start();
    const holder = await ex.add({ name: 'report', uniqueKey: 'report:2026-11', delay: 60_000 });
    const parent = await ex.add({ name: 'month' });
    await waitFor(async () => (await ex.count({ parentId: parent.id, status: Status.COMPLETED })) === 1);

    const done = await ex.get(parent.id);
    expect([done.status, done.history.at(-1)?.type]).toEqual([Status.COMPLETED, EventType.COMPLETED]);
    const children = await ex.find({ parentId: parent.id });
    expect(children.map((c) => c.uniqueKey)).toEqual(['report:2026-12']);
    expect(await ex.find({ name: 'report', status: Status.PENDING })).toEqual([expect.objectContaining({ id: holder.id })]);
    expect(logger.lines.filter((l) => l.message.includes('did not create'))).toEqual([
      { level: 'warn', message: `durex: command month ${parent.id} did not create its child report: unique key "report:2026-11" is held by an active instance` },
    ]);
  });

  it('completes a parent whose only Result.next child is skipped as a duplicate', async () => {
    const ex = await executor();
    ex.handle('invoice', () => undefined);
    ex.handle('order', () => Result.next({ name: 'invoice', uniqueKey: 'invoice:o-1' }));
    await ex.start();
    const holder = await ex.add({ name: 'invoice', uniqueKey: 'invoice:o-1', delay: 60_000 });
    const order = await ex.add({ name: 'order' });
    await waitFor(async () => (await ex.get(order.id)).status === Status.COMPLETED);
    expect((await ex.find({ name: 'invoice' })).map((i) => i.id)).toEqual([holder.id]);
  });
});
