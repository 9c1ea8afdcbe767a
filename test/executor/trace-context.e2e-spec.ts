import {
  currentCorrelationId,
  currentInstance,
  currentTraceContext,
  currentTraceId,
  type Instance,
  Result,
  runWithTraceContext,
  Status,
  type TraceContext,
} from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

/** What the ambient helpers said inside one handler, read after an await so the context must survive it. */
interface Seen {
  handed: Instance;
  instance: Instance | undefined;
  correlationId: string | undefined;
  traceId: string | undefined;
  context: TraceContext | undefined;
}

async function look(handed: Instance): Promise<Seen> {
  await Promise.resolve();
  return { handed, instance: currentInstance(), correlationId: currentCorrelationId(), traceId: currentTraceId(), context: currentTraceContext() };
}

describe.each(STORAGE_KINDS)('trace context helpers on %s', (kind) => {
  const { executor } = useExecutors(kind);

  it('are undefined outside any handler or runWithTraceContext', () => {
    expect([currentInstance(), currentCorrelationId(), currentTraceId(), currentTraceContext()]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('name the running instance, its correlation and trace in each of three generations, and nothing outside', async () => {
    const ex = await executor();
    const seen = new Map<string, Seen>();
    ex.handle('order', async (cmd) => (seen.set('order', await look(cmd)), Result.next({ name: 'payment' })));
    ex.handle('payment', async (cmd) => (seen.set('payment', await look(cmd)), Result.next({ name: 'receipt' })));
    ex.handle('receipt', async (cmd) => void seen.set('receipt', await look(cmd)));
    await ex.start();
    const root = await ex.add({ name: 'order', traceId: 'trace-7' });
    await waitFor(async () => seen.has('receipt') && (await ex.count({ status: Status.COMPLETED })) === 3);

    for (const name of ['order', 'payment', 'receipt']) {
      const { handed, instance, correlationId, traceId, context } = seen.get(name)!;
      expect(instance, name).toBe(handed);
      expect([instance!.name, correlationId, traceId], name).toEqual([name, root.id, 'trace-7']);
      expect(context, name).toEqual({ traceId: 'trace-7', correlationId: root.id, instance: handed });
    }
    const [payment, receipt] = [seen.get('payment')!.handed, seen.get('receipt')!.handed];
    expect([payment.parentId, receipt.parentId]).toEqual([root.id, payment.id]);
    expect(currentInstance()).toBeUndefined();
    expect(currentTraceContext()).toBeUndefined();
  });

  it('carry an outer runWithTraceContext into what is enqueued there, and give way to the handler inside', async () => {
    const ex = await executor();
    let inside: Seen | undefined;
    ex.handle('audit', async (cmd) => void (inside = await look(cmd)));
    await ex.start();
    const { added, outer } = await runWithTraceContext({ traceId: 'request-1', correlationId: 'session-9' }, async () => ({
      outer: [currentInstance(), currentCorrelationId(), currentTraceId()],
      added: await ex.add({ name: 'audit' }),
    }));
    await waitFor(() => inside);
    expect(outer).toEqual([undefined, 'session-9', 'request-1']);
    expect([added.traceId, added.correlationId, added.parentId]).toEqual(['request-1', 'session-9', null]);
    expect(inside!.instance).toBe(inside!.handed);
    expect([inside!.instance!.id, inside!.correlationId, inside!.traceId]).toEqual([added.id, 'session-9', 'request-1']);
    expect(currentCorrelationId()).toBeUndefined();
  });
});
