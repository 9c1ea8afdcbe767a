import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type CanActivate, type ExecutionContext, UnauthorizedException } from '@nestjs/common';

/**
 * Lets through requests that carry `Authorization: Bearer <token>`. The tokens are compared as
 * digests in constant time, so neither their length nor their content leaks through timing.
 */
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const authorization = context.switchToHttp().getRequest<IncomingMessage>().headers.authorization ?? '';
    const bearer = /^Bearer +(\S+)$/i.exec(authorization);
    if (!bearer || !timingSafeEqual(digest(bearer[1]!), this.expected)) {
      throw new UnauthorizedException('the admin API needs the header Authorization: Bearer <ADMIN_TOKEN>');
    }
    return true;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
