import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { PageQueryDto } from './page-query.dto.js';
import { IsFilterText } from './validation.decorator.js';

/**
 * Paging (and an optional name filter) of `GET /dlq`, most recently failed first.
 *
 * @publicApi
 */
export class DlqQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only dead-lettered instances of this command.' })
  @IsOptional()
  @IsFilterText()
  name?: string;
}
