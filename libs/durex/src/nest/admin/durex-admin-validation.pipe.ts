import { type ArgumentMetadata, BadRequestException, Injectable, ValidationPipe } from '@nestjs/common';
import { BODY_NOT_OBJECT_MESSAGE } from './durex-admin.messages.js';

/**
 * The admin API's validation: whitelisted DTOs, unknown fields refused, values converted. A body that
 * is not a JSON object is refused up front: class-validator would report an array's indexes as
 * unknown properties, which tells the caller nothing.
 */
@Injectable()
export class DurexAdminValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: true });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new BadRequestException(BODY_NOT_OBJECT_MESSAGE);
    }
    return super.transform(value, metadata);
  }
}
