import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/** Lets a request through when it carries `Authorization: Bearer <ADMIN_TOKEN>`. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected = Buffer.from(`Bearer ${process.env.ADMIN_TOKEN ?? ''}`);

  canActivate(context: ExecutionContext): boolean {
    if (!process.env.ADMIN_TOKEN) return false; // no token configured: closed, not open
    const given = Buffer.from(context.switchToHttp().getRequest<IncomingMessage>().headers.authorization ?? '');
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }
}
