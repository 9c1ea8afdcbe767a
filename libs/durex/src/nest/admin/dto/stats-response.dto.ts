import { ApiProperty } from '@nestjs/swagger';
import { ALL_STATUSES, type Status } from '../../../core/status.js';

const COUNTS = { type: 'object', additionalProperties: { type: 'number' } } as const;

/** The in-process concurrency of one command name. @publicApi */
export class CommandRateDto {
  @ApiProperty({ description: 'Most attempts of the command executing at once in this process (`rateLimits`).' }) limit!: number;
  @ApiProperty({ description: 'Attempts of the command executing in this process now.' }) current!: number;
}

/** The concurrency limiter of this process (`rateLimits`, `globalRateLimit`). @publicApi */
export class RateLimitDto {
  @ApiProperty({ description: 'Most attempts executing at once in this process (`globalRateLimit`); 0 when there is no global limit.' })
  globalLimit!: number;
  @ApiProperty({ description: 'Attempts holding a slot of this process now.' }) globalCurrent!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/CommandRateDto' },
    description: 'Every command with a per-process limit.',
  })
  commands!: Record<string, CommandRateDto>;
}

/** A cluster-wide rate limit: at most `max` starts in any window of `per` ms. @publicApi */
export class RateWindowDto {
  @ApiProperty({ description: 'Most starts in one window.' }) max!: number;
  @ApiProperty({ description: 'The window, in ms.' }) per!: number;
}

/** The cluster-wide limits of one command name. @publicApi */
export class CommandClusterLimitDto {
  @ApiProperty({ type: 'number', nullable: true, description: 'Most instances STARTED at once across every process; null when none.' })
  concurrency!: number | null;
  @ApiProperty({ type: RateWindowDto, nullable: true, description: 'Most starts in any window across every process; null when none.' })
  rateLimit!: RateWindowDto | null;
  @ApiProperty({ description: 'Instances of the command STARTED now in every process (what `concurrency` counts); not the starts in the rate window.' })
  running!: number;
}

/** The cluster-wide limits (`concurrency`, `rateLimit`, `concurrencyKeyLimit`). @publicApi */
export class ClusterLimitsDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/CommandClusterLimitDto' },
    description: "Every command with a cluster-wide limit; the module's options override the command's own.",
  })
  commands!: Record<string, CommandClusterLimitDto>;
  @ApiProperty({ description: 'Most instances holding one concurrencyKey STARTED at once.' }) concurrencyKeyLimit!: number;
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
  @ApiProperty({ type: RateLimitDto, description: "This process's concurrency limits and the slots held now." }) rateLimit!: RateLimitDto;
  @ApiProperty({ type: ClusterLimitsDto, description: 'The limits that hold across every process sharing the storage.' })
  clusterLimits!: ClusterLimitsDto;
}
