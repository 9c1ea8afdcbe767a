import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Credentials } from './dashboard.config.js';

/** What the guard reads and writes of the HTTP exchange. */
interface Exchange {
  request: { headers: Record<string, string | string[] | undefined> };
  response: { setHeader(name: string, value: string): unknown };
}

/**
 * HTTP Basic authentication for the dashboard and the admin API it calls. The browser asks for the
 * user name and password once (the WWW-Authenticate challenge) and then sends them with every
 * request of the page, its API calls included, so one guard protects both.
 */
export class BasicAuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(credentials: Credentials) {
    this.expected = Buffer.from(`${credentials.user}:${credentials.password}`);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const { headers } = http.getRequest<Exchange['request']>();
    const header = typeof headers.authorization === 'string' ? headers.authorization : '';
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64') : Buffer.alloc(0);
    // Compared in constant time, so the answer's timing does not reveal how much of a guess was right.
    if (given.length === this.expected.length && timingSafeEqual(given, this.expected)) return true;
    http.getResponse<Exchange['response']>().setHeader('WWW-Authenticate', 'Basic realm="durex", charset="UTF-8"');
    throw new UnauthorizedException('the durex dashboard needs a user name and password');
  }
}
