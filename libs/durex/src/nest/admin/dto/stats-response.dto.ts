import { ApiProperty } from '@nestjs/swagger';
import { ALL_STATUSES, type Status } from '../../../core/status.js';

const COUNTS = { type: 'object', additionalProperties: { type: 'number' } } as const;

/** The in-process concurrency of one command name. @publicApi */
export class CommandRateDto {
  @ApiProperty() limit!: number;
  @ApiProperty() current!: number;
}

/** The concurrency limiter of this process. @publicApi */
export class RateLimitDto {
  @ApiProperty({ description: '0 when there is no global limit.' }) globalLimit!: number;
  @ApiProperty() globalCurrent!: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/CommandRateDto' } })
  commands!: Record<string, CommandRateDto>;
}

/**
 * The answer of `GET /stats`: the queue's counts and this process's live figures.
 *
 * @publicApi
 */
export class StatsResponseDto {
  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(ALL_STATUSES.map((status) => [status, { type: 'number' }])),
    description: 'Every status with its count, zeros included.',
  })
  byStatus!: Record<Status, number>;

  @ApiProperty({ ...COUNTS, description: 'Instance counts per command name.' }) byName!: Record<string, number>;
  @ApiProperty() pending!: number;
  @ApiProperty() started!: number;
  @ApiProperty() completed!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() expired!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty() deadLetter!: number;
  @ApiProperty() repeating!: number;
  @ApiProperty({ description: 'PENDING instances, ready or not.' }) queueSize!: number;
  @ApiProperty() registeredCommands!: number;
  @ApiProperty({ description: 'Worker slots in this process.' }) workerCount!: number;
  @ApiProperty({ description: 'Attempts executing in this process now.' }) running!: number;
  @ApiProperty({ type: RateLimitDto }) rateLimit!: RateLimitDto;
}
