import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Status } from 'nestjs-durex';
import { openTelemetry } from 'nestjs-durex/opentelemetry';
import { beforeAll, describe, expect, it } from 'vitest';
import { useExecutors } from '../support/executor-harness.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('durex-test');

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

describe.each(STORAGE_KINDS)('OpenTelemetry on %s', (kind) => {
  const { executor } = useExecutors(kind);

  it('makes a 3-step sequence with a retry one trace, each span the child of what caused it', async () => {
    exporter.reset();
    const ex = await executor({ instrumentations: [openTelemetry({ tracer })] });
    ex.handle('a', (cmd) => cmd.continueSequence());
    ex.handle('b', (cmd) => {
      if (cmd.attempt === 1) throw new Error('flaky');
      return cmd.continueSequence();
    }, { retries: 1 });
    ex.handle('c', () => undefined);
    await ex.start();
    const request = tracer.startSpan('POST /orders');
    const root = await context.with(trace.setSpan(context.active(), request), () => ex.add({ name: 'a', sequence: ['b', 'c'] }));
    request.end();
    await waitFor(async () => (await ex.count({ name: 'c', status: Status.COMPLETED })) === 1);
    await waitFor(() => exporter.getFinishedSpans().length === 8);

    const spans = exporter.getFinishedSpans();
    const byName = (name: string) => spans.filter((s) => s.name === name);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([request.spanContext().traceId]));
    expect(root.traceId).toBe(request.spanContext().traceId);
    const [sendA] = byName('send a');
    const [processA] = byName('process a');
    const [sendB] = byName('send b');
    const processB = byName('process b').sort((x, y) => Number(x.attributes['durex.attempt']) - Number(y.attributes['durex.attempt']));
    const [sendC] = byName('send c');
    const [processC] = byName('process c');
    expect(parentOf(sendA!)).toBe(request.spanContext().spanId);
    expect(parentOf(processA!)).toBe(sendA!.spanContext().spanId);
    expect(parentOf(sendB!)).toBe(processA!.spanContext().spanId);
    expect(processB.map(parentOf)).toEqual([sendB!.spanContext().spanId, sendB!.spanContext().spanId]);
    expect(processB.map((s) => s.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    expect(parentOf(sendC!)).toBe(processB[1]!.spanContext().spanId);
    expect(parentOf(processC!)).toBe(sendC!.spanContext().spanId);
    expect(processA!.attributes).toMatchObject({
      'messaging.system': 'durex',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'a',
      'messaging.message.id': root.id,
      'messaging.message.conversation_id': root.id,
    });
  });
});
