import type { IncomingMessage } from 'node:http';
import { BadRequestException, createParamDecorator, type ExecutionContext, Injectable, type PipeTransform } from '@nestjs/common';

/** Printable ASCII without spaces, as HTTP header values are, and short enough for a durex unique key. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** Checks the optional `Idempotency-Key` header: absent, or 1 to 200 visible ASCII characters. */
@Injectable()
export class IdempotencyKeyPipe implements PipeTransform<string | undefined, string | undefined> {
  transform(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    if (!IDEMPOTENCY_KEY.test(value)) throw new BadRequestException('Idempotency-Key must be 1 to 200 visible ASCII characters');
    return value;
  }
}

const IdempotencyKeyHeader = createParamDecorator(
  (_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<IncomingMessage>().headers['idempotency-key'],
);

/** Injects the request's `Idempotency-Key` header, checked by {@link IdempotencyKeyPipe}. */
export const IdempotencyKey = (): ParameterDecorator => IdempotencyKeyHeader(IdempotencyKeyPipe);
