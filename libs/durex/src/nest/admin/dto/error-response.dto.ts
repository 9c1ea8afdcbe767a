import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * Every admin error: the HTTP status, its name, and a message naming the culprit (a list of them for
 * validation failures). Never a stack trace.
 *
 * @publicApi
 */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: ['limit must not be greater than 200'] })
  message!: string | string[];

  @ApiPropertyOptional({ description: 'The durex error code, for errors the engine raised.', example: 'COMMAND_NOT_FOUND' })
  code?: string;
}
