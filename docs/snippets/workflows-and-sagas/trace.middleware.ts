import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { runWithTraceContext } from 'nestjs-durex';

/**
 * Runs each HTTP request in a durex trace context: every command the request enqueues, and every
 * command those enqueue in turn, carries its trace id. Apply it with `consumer.apply(TraceMiddleware).forRoutes('*path')`.
 */
@Injectable()
export class TraceMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    const header = request.headers['x-request-id'];
    const traceId = typeof header === 'string' && header.length <= 128 ? header : randomUUID();
    response.setHeader('x-request-id', traceId);
    runWithTraceContext({ traceId }, next);
  }
}
