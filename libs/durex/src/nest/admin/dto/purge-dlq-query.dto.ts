import { ApiProperty } from '@nestjs/swagger';
import { Max, Min } from 'class-validator';
import { MAX_AGE_MS } from '../durex-admin.constants.js';
import { IsWholeNumber } from './validation.decorator.js';

/**
 * The query of `DELETE /dlq`. `olderThan` is required, so a bare DELETE never empties the queue by
 * accident; `olderThan=0` purges it all.
 *
 * @publicApi
 */
export class PurgeDlqQueryDto {
  @ApiProperty({ description: 'Purge instances that failed more than this many milliseconds ago; 0 purges all.', type: 'integer', minimum: 0, maximum: MAX_AGE_MS })
  @Max(MAX_AGE_MS)
  @Min(0)
  @IsWholeNumber()
  olderThan!: number;
}
