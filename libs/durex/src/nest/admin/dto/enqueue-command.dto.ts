import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Min } from 'class-validator';
import type { CommandData } from '../../../core/json.js';
import type { Spec } from '../../../core/spec.js';
import { IsIsoDate } from './validation.decorator.js';

/*
 * The body of `POST /commands`: a spec in JSON. The checks here are the ones JSON needs (types,
 * unknown fields); ranges, lengths and payload limits are the engine's, which rejects a bad spec with
 * an InvalidSpecError before anything is stored, so both paths answer 400 with the culprit named.
 */

const DURATION = { type: Number, minimum: 0 } as const;

/**
 * A command to enqueue. Durations are milliseconds.
 *
 * @publicApi
 */
export class EnqueueCommandDto {
  @ApiProperty({ description: 'The command name; a handler must be registered under it.', example: 'sendEmail' })
  @IsNotEmpty()
  @IsString()
  name!: string;

  @ApiPropertyOptional({ description: 'The payload, a JSON object.', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  data?: CommandData;

  @ApiPropertyOptional({ ...DURATION, description: 'Wait this long before the first run.' })
  @IsOptional()
  @Min(0)
  @IsInt()
  delay?: number;

  @ApiPropertyOptional({ ...DURATION, description: 'Interval between runs when the handler repeats.' })
  @IsOptional()
  @Min(0)
  @IsInt()
  period?: number;

  @ApiPropertyOptional({ ...DURATION, description: 'Longest time one attempt may run.' })
  @IsOptional()
  @Min(0)
  @IsInt()
  timeout?: number;

  @ApiPropertyOptional({ ...DURATION, description: 'Expire if not started within this time.' })
  @IsOptional()
  @Min(0)
  @IsInt()
  deadline?: number;

  @ApiPropertyOptional({ description: 'Absolute deadline (ISO 8601); `deadline` wins when both are given.', format: 'date-time' })
  @IsOptional()
  @IsIsoDate()
  deadlineAt?: string;

  @ApiPropertyOptional({ description: 'Retries after a failed attempt.', type: Number, minimum: 0 })
  @IsOptional()
  @Min(0)
  @IsInt()
  retries?: number;

  @ApiPropertyOptional({ description: 'Commands to run after this one, in order.', type: [String] })
  @IsOptional()
  @IsString({ each: true })
  @IsArray()
  sequence?: string[];

  @ApiPropertyOptional({ description: 'Higher runs first among ready instances.', type: Number })
  @IsOptional()
  @IsInt()
  priority?: number;

  @ApiPropertyOptional({ description: 'Labels for filtering and cancel-by-tag.', type: [String] })
  @IsOptional()
  @IsString({ each: true })
  @IsArray()
  tags?: string[];

  @ApiPropertyOptional({ description: 'At most one active instance may hold a key.' })
  @IsOptional()
  @IsString()
  uniqueKey?: string;

  @ApiPropertyOptional({ description: 'Counts against the cluster-wide limit of running instances of this key (the executor’s concurrencyKeyLimit).' })
  @IsOptional()
  @IsString()
  concurrencyKey?: string;

  @ApiPropertyOptional({ description: 'Propagated to every child.' })
  @IsOptional()
  @IsString()
  traceId?: string;

  @ApiPropertyOptional({ description: 'Links a workflow; defaults to the root instance id.' })
  @IsOptional()
  @IsString()
  correlationId?: string;

  @ApiPropertyOptional({ description: 'Operational metadata, kept apart from the payload.', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: CommandData;

  /** The spec this body stands for, with only the fields it gave. */
  static toSpec(dto: EnqueueCommandDto): Spec {
    const { deadlineAt, ...fields } = dto;
    const spec = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as Spec;
    if (deadlineAt !== undefined) spec.deadlineAt = new Date(deadlineAt);
    return spec;
  }
}
