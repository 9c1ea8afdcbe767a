import { AsyncLocalStorage } from 'node:async_hooks';
import type { Instance } from './instance.js';

/** The ambient trace of the code that is running: an HTTP request, a handler, a test. @publicApi */
export interface TraceContext {
  traceId?: string;
  correlationId?: string;
  /** The instance whose handler is running, when inside one. */
  instance?: Instance<unknown>;
}

const storage = new AsyncLocalStorage<TraceContext>();

/**
 * Runs `fn` with the given trace. Commands enqueued inside inherit its trace and correlation ids (and,
 * inside a handler, the running instance as parent). The executor does this around every handler; an
 * HTTP middleware can do it per request.
 *
 * @publicApi
 */
export function runWithTraceContext<R>(context: TraceContext, fn: () => R): R {
  return storage.run({ ...storage.getStore(), ...context }, fn);
}

/** The ambient trace context, if any. @publicApi */
export function currentTraceContext(): TraceContext | undefined {
  return storage.getStore();
}

/** The ambient trace id (the reference's `TraceIDFromContext`). @publicApi */
export function currentTraceId(): string | undefined {
  return storage.getStore()?.traceId;
}

/** The ambient correlation id (the reference's `CorrelationIDFromContext`). @publicApi */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** The instance whose handler is running (the reference's `InstanceFromContext`). @publicApi */
export function currentInstance<T = unknown>(): Instance<T> | undefined {
  return storage.getStore()?.instance as Instance<T> | undefined;
}
