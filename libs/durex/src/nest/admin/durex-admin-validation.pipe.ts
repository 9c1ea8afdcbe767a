import { type ArgumentMetadata, BadRequestException, Injectable, ValidationPipe } from '@nestjs/common';
import { isPlainObject } from '../../core/json.js';
import { BODY_NOT_OBJECT_MESSAGE } from './durex-admin.messages.js';

/** Body fields that carry a command's payload. */
const PAYLOAD_FIELDS = ['data', 'metadata'] as const;

/**
 * The admin API's validation: whitelisted DTOs, unknown fields refused, values converted. A body that
 * is not a JSON object is refused up front: class-validator would report an array's indexes as
 * unknown properties, which tells the caller nothing.
 *
 * Payloads are stored as sent, as DurexClient.add stores them. Left in the body, they would lose
 * keys on the way: Nest deletes every `__proto__`, `prototype` and `constructor` key at any depth
 * (against prototype pollution; durex copies payloads with spread and JSON, never by assignment),
 * and class-transformer skips keys named like an Object.prototype method (`toString`, `valueOf`…)
 * or fails on a `constructor` that is not a function. So a payload that is a JSON object is set
 * aside, an empty one validated in its place, and the payload put into the DTO (and back into the
 * request's body) afterwards; anything else is left in the body for the DTO's validation to refuse.
 */
@Injectable()
export class DurexAdminValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: true });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' || value === undefined) return super.transform(value, metadata);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestException(BODY_NOT_OBJECT_MESSAGE);
    const body = value as Record<string, unknown>;
    const payloads = PAYLOAD_FIELDS.filter((field) => isPlainObject(body[field])).map((field) => [field, body[field]] as const);
    for (const [field] of payloads) body[field] = {};
    try {
      const dto = (await super.transform(body, metadata)) as Record<string, unknown>;
      for (const [field, payload] of payloads) dto[field] = payload;
      return dto;
    } finally {
      // The request's body is left as it came, for whatever reads it after the pipe.
      for (const [field, payload] of payloads) body[field] = payload;
    }
  }
}
