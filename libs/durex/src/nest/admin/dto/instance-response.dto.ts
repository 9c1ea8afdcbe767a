import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EventType, type InstanceEvent } from '../../../core/event.js';
import type { Instance } from '../../../core/instance.js';
import type { CommandData } from '../../../core/json.js';
import { ALL_STATUSES, type Status } from '../../../core/status.js';

const NULLABLE_TIME = { type: String, format: 'date-time', nullable: true } as const;
const NULLABLE_TEXT = { type: String, nullable: true } as const;
const JSON_OBJECT = { type: 'object', additionalProperties: true } as const;

/**
 * One entry of an instance's history, with its time in ISO 8601.
 *
 * @publicApi
 */
export class InstanceEventDto {
  @ApiProperty({ enum: Object.values(EventType) })
  type!: EventType;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;

  @ApiPropertyOptional({ description: 'The attempt the event belongs to (1 for the first run).' })
  attempt?: number;

  @ApiPropertyOptional()
  error?: string;

  @ApiPropertyOptional({ description: 'How long the attempt took, in milliseconds.' })
  durationMs?: number;

  @ApiPropertyOptional()
  message?: string;

  static from(event: InstanceEvent): InstanceEventDto {
    return { ...event, timestamp: event.timestamp.toISOString() };
  }
}

/**
 * A command instance as the admin API shows it: every stored field, times in ISO 8601. The lease
 * fields are kept because they tell an operator which process runs an instance and until when.
 *
 * @publicApi
 */
export class InstanceResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty(JSON_OBJECT) data!: CommandData;
  @ApiProperty({ enum: ALL_STATUSES }) status!: Status;
  @ApiProperty({ description: 'Retries left.' }) retries!: number;
  @ApiProperty({ description: 'The retry budget it was created with.' }) maxRetries!: number;
  @ApiProperty({ description: 'The current or last attempt; 0 before the first run.' }) attempt!: number;
  @ApiProperty({ type: [String], description: 'Commands still to run after this one.' }) sequence!: string[];
  @ApiProperty(NULLABLE_TEXT) parentId!: string | null;
  @ApiProperty() priority!: number;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty(NULLABLE_TEXT) uniqueKey!: string | null;
  @ApiProperty({ ...NULLABLE_TEXT, description: 'Shares a cluster-wide concurrency limit with the instances of the same key.' }) concurrencyKey!: string | null;
  @ApiProperty(NULLABLE_TEXT) traceId!: string | null;
  @ApiProperty(NULLABLE_TEXT) correlationId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) readyAt!: string;
  @ApiProperty(NULLABLE_TIME) startedAt!: string | null;
  @ApiProperty(NULLABLE_TIME) completedAt!: string | null;
  @ApiProperty(NULLABLE_TIME) deadlineAt!: string | null;
  @ApiProperty({ description: 'Per-attempt timeout in ms; 0 for none.' }) timeout!: number;
  @ApiProperty({ description: 'Repeat period in ms; 0 for the executor default.' }) period!: number;
  @ApiProperty(NULLABLE_TEXT) error!: string | null;
  @ApiProperty(JSON_OBJECT) metadata!: CommandData;
  @ApiProperty({ ...NULLABLE_TEXT, description: 'The worker holding the lease while STARTED.' }) leaseOwner!: string | null;
  @ApiProperty({ ...NULLABLE_TIME, description: 'When the lease runs out unless renewed.' }) leaseExpiresAt!: string | null;

  @ApiPropertyOptional({ type: [InstanceEventDto], description: 'The history, oldest first; only on single-instance routes.' })
  history?: InstanceEventDto[];

  /** The response form of an instance; its history is included when `withHistory`. */
  static from(instance: Instance, withHistory = false): InstanceResponseDto {
    const state = instance.state();
    const dto: InstanceResponseDto = {
      ...state,
      createdAt: state.createdAt.toISOString(),
      readyAt: state.readyAt.toISOString(),
      startedAt: iso(state.startedAt),
      completedAt: iso(state.completedAt),
      deadlineAt: iso(state.deadlineAt),
      leaseExpiresAt: iso(state.leaseExpiresAt),
      concurrencyKey: state.concurrencyKey ?? null,
    };
    if (withHistory) dto.history = instance.history.map((event) => InstanceEventDto.from(event));
    return dto;
  }
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
