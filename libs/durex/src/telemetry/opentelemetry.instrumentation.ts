import { type Context, context, type Span, SpanKind, SpanStatusCode, trace, type Tracer, TraceFlags } from '@opentelemetry/api';
import type { Instance } from '../core/instance.js';
import type { Instrumentation } from '../engine/instrumentation.js';

/** @publicApi */
export interface OpenTelemetryOptions {
  /** @default trace.getTracer('nestjs-durex') */
  tracer?: Tracer;
}

/** Where an instance keeps the W3C trace context of the span that enqueued it. */
const TRACEPARENT = 'traceparent';

/**
 * Traces durex with OpenTelemetry, following the messaging semantic conventions: a PRODUCER span
 * `send <command>` when an instance is enqueued, and a CONSUMER span `process <command>` around each
 * attempt. The enqueue span's context is stored on the instance (`metadata.traceparent`) and
 * restored for every attempt, retry and child, so a whole workflow is one trace, across processes.
 *
 * ```ts
 * DurexModule.forRoot({ storage, instrumentations: [openTelemetry()] })
 * ```
 *
 * @publicApi
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Instrumentation {
  const tracer = options.tracer ?? trace.getTracer('nestjs-durex');
  // The context of each running attempt's span, so children built after the handler returned
  // (Result.next, Recover) still descend from the attempt that made them.
  const attempts = new WeakMap<Instance, Context>();

  return {
    onCreate(instance, parent) {
      const parentContext = parent ? (attempts.get(parent) ?? restore(parent)) : context.active();
      const span = tracer.startSpan(
        `send ${instance.name}`,
        { kind: SpanKind.PRODUCER, attributes: attributes(instance, 'send') },
        parentContext,
      );
      const { traceId } = span.spanContext();
      instance.metadata = { ...instance.metadata, [TRACEPARENT]: toTraceparent(span) };
      instance.traceId ??= traceId;
      span.end();
    },

    middleware(ctx, next) {
      const { instance } = ctx;
      const span = tracer.startSpan(
        `process ${instance.name}`,
        { kind: SpanKind.CONSUMER, attributes: { ...attributes(instance, 'process'), 'durex.attempt': instance.attempt } },
        restore(instance),
      );
      const active = trace.setSpan(restore(instance), span);
      attempts.set(instance, active);
      return context.with(active, async () => {
        try {
          return await next();
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      });
    },
  };
}

function attributes(instance: Instance, operation: 'send' | 'process'): Record<string, string> {
  const attrs: Record<string, string> = {
    'messaging.system': 'durex',
    'messaging.operation.name': operation,
    'messaging.operation.type': operation,
    'messaging.destination.name': instance.name,
    'messaging.message.id': instance.id,
  };
  if (instance.correlationId) attrs['messaging.message.conversation_id'] = instance.correlationId;
  return attrs;
}

function toTraceparent(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/** The context an instance was enqueued in, from its stored traceparent; the active one when it has none. */
function restore(instance: Instance): Context {
  const value = instance.metadata[TRACEPARENT];
  const match = typeof value === 'string' ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value) : null;
  if (!match) return context.active();
  const [, traceId, spanId, flags] = match;
  return trace.setSpanContext(context.active(), {
    traceId: traceId!,
    spanId: spanId!,
    traceFlags: Number.parseInt(flags!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  });
}
