import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CanActivate, type ExecutionContext, UnauthorizedException } from '@nestjs/common';

/**
 * Lets through requests that carry the token, as `Authorization: Bearer <token>` (scripts, curl) or
 * as the password of HTTP Basic auth (the dashboard in a browser, which prompts for it). Tokens are
 * compared as digests in constant time, so neither their length nor their content leaks through timing.
 */
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const token = presentedToken(http.getRequest<IncomingMessage>().headers.authorization ?? '');
    if (token === undefined || !timingSafeEqual(digest(token), this.expected)) {
      // Makes a browser ask for the password, so the dashboard works behind the same guard.
      http.getResponse<ServerResponse>().setHeader('WWW-Authenticate', 'Basic realm="durex", charset="UTF-8"');
      throw new UnauthorizedException('the admin API and dashboard need Authorization: Bearer <ADMIN_TOKEN>, or ADMIN_TOKEN as the Basic auth password');
    }
    return true;
  }
}

/** The token of a Bearer header, or the password of a Basic one. */
function presentedToken(authorization: string): string | undefined {
  const [scheme, value] = authorization.split(/ +/, 2);
  if (!value) return undefined;
  if (/^bearer$/i.test(scheme!)) return value;
  if (!/^basic$/i.test(scheme!)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
