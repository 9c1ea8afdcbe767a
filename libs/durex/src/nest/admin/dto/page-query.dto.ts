import { ApiPropertyOptional } from '@nestjs/swagger';
import { Max, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_OFFSET, MAX_PAGE_SIZE } from '../durex-admin.constants.js';
import { IsWholeNumber } from './validation.decorator.js';

/**
 * Paging of a list: `limit` items from `offset`.
 *
 * @publicApi
 */
export class PageQueryDto {
  @ApiPropertyOptional({ description: 'How many items to return.', type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @Max(MAX_PAGE_SIZE)
  @Min(1)
  @IsWholeNumber()
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ description: 'How many matching items to skip.', type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @Max(MAX_OFFSET)
  @Min(0)
  @IsWholeNumber()
  offset: number = 0;
}
