import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsOptional } from 'class-validator';
import { ALL_STATUSES, type Status } from '../../../core/status.js';
import type { InstanceQuery } from '../../../storage/storage.interface.js';
import { IsFilterText, IsInstanceId, IsIsoDate, ToList } from './validation.decorator.js';
import { PageQueryDto } from './page-query.dto.js';

/** The fields an admin list can be sorted by. @publicApi */
export const ADMIN_ORDER_FIELDS = ['createdAt', 'readyAt', 'completedAt', 'priority'] as const;

/** @publicApi */
export type AdminOrderField = (typeof ADMIN_ORDER_FIELDS)[number];

/**
 * Filters, paging and order of `GET /commands`. Every filter narrows the result.
 *
 * @publicApi
 */
export class ListCommandsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'One status or a comma-separated list.', example: 'PENDING,STARTED', type: String })
  @IsOptional()
  @IsIn(ALL_STATUSES, { each: true })
  @ArrayMaxSize(ALL_STATUSES.length)
  @ToList()
  status?: Status[];

  @ApiPropertyOptional({ description: 'The command name.' })
  @IsOptional()
  @IsFilterText()
  name?: string;

  @ApiPropertyOptional({ description: 'Instances carrying this tag.' })
  @IsOptional()
  @IsFilterText()
  tag?: string;

  @ApiPropertyOptional({ description: 'Instances of one workflow.' })
  @IsOptional()
  @IsFilterText()
  correlationId?: string;

  @ApiPropertyOptional({ description: 'Instances of one trace.' })
  @IsOptional()
  @IsFilterText()
  traceId?: string;

  @ApiPropertyOptional({ description: 'Children of this instance.' })
  @IsOptional()
  @IsInstanceId()
  parentId?: string;

  @ApiPropertyOptional({ description: 'Created after this time (ISO 8601).', format: 'date-time' })
  @IsOptional()
  @IsIsoDate()
  createdAfter?: string;

  @ApiPropertyOptional({ description: 'Created before this time (ISO 8601).', format: 'date-time' })
  @IsOptional()
  @IsIsoDate()
  createdBefore?: string;

  @ApiPropertyOptional({ description: 'Instances whose id starts with this text.' })
  @IsOptional()
  @IsFilterText()
  q?: string;

  @ApiPropertyOptional({ description: 'The sort field.', enum: ADMIN_ORDER_FIELDS, default: 'createdAt' })
  @IsIn(ADMIN_ORDER_FIELDS)
  orderBy: AdminOrderField = 'createdAt';

  @ApiPropertyOptional({ description: 'The sort direction; newest first by default.', enum: ['asc', 'desc'], default: 'desc' })
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';

  /** The storage query this request stands for, without paging. */
  static toFilter(dto: ListCommandsQueryDto): InstanceQuery {
    const query: InstanceQuery = {};
    if (dto.status?.length) query.status = dto.status;
    if (dto.name !== undefined) query.name = dto.name;
    if (dto.tag !== undefined) query.tags = [dto.tag];
    if (dto.correlationId !== undefined) query.correlationId = dto.correlationId;
    if (dto.traceId !== undefined) query.traceId = dto.traceId;
    if (dto.parentId !== undefined) query.parentId = dto.parentId;
    if (dto.createdAfter !== undefined) query.createdAfter = new Date(dto.createdAfter);
    if (dto.createdBefore !== undefined) query.createdBefore = new Date(dto.createdBefore);
    if (dto.q !== undefined) query.idPrefix = dto.q;
    return query;
  }
}
