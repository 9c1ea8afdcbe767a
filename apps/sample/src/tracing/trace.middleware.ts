import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { runWithTraceContext } from 'nestjs-durex';

/** The response header that tells the caller which trace its request ran under. */
export const TRACE_ID_HEADER = 'x-trace-id';

/** W3C Trace Context `traceparent`: version-traceid-parentid-flags, in lowercase hex. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
/** A caller's request id: visible ASCII, short enough to store with every command. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The trace id of a request: the trace-id of a valid W3C `traceparent`, else `x-request-id`, else a
 * new one in the W3C format, so it can be handed to a tracing system later.
 */
export function traceIdOf(headers: IncomingHttpHeaders): string {
  const traceparent = TRACEPARENT.exec(String(headers.traceparent ?? ''));
  if (traceparent) {
    const [, version, traceId, parentId, , rest] = traceparent;
    // Version ff is forbidden, version 00 has nothing after the flags, and all-zero ids are invalid.
    const valid = version !== 'ff' && !(version === '00' && rest) && !/^0+$/.test(traceId!) && !/^0+$/.test(parentId!);
    if (valid) return traceId!;
  }
  const requestId = headers['x-request-id'];
  if (typeof requestId === 'string' && REQUEST_ID.test(requestId)) return requestId;
  return randomBytes(16).toString('hex');
}

/**
 * Runs each request inside a durex trace context, so every command it enqueues, and every command
 * those enqueue in turn, carries the request's trace id. The id is sent back in `x-trace-id`.
 */
@Injectable()
export class TraceMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    const traceId = traceIdOf(request.headers);
    response.setHeader(TRACE_ID_HEADER, traceId);
    runWithTraceContext({ traceId }, next);
  }
}
