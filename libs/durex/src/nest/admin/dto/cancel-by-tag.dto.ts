import { ApiProperty } from '@nestjs/swagger';
import { IsFilterText } from './validation.decorator.js';

/**
 * The body of `POST /commands/cancel-by-tag`.
 *
 * @publicApi
 */
export class CancelByTagDto {
  @ApiProperty({ description: 'Every active instance carrying this tag is cancelled.', example: 'batch-7' })
  @IsFilterText()
  tag!: string;
}
