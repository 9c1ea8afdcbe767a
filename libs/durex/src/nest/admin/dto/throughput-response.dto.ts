import { ApiProperty } from '@nestjs/swagger';

/**
 * The instances that finished within one time bucket, by outcome. An instance counts once, in the
 * bucket of its last finish (a repeating command's latest run).
 *
 * @publicApi
 */
export class ThroughputBucketDto {
  @ApiProperty({ format: 'date-time', description: 'The start of the bucket, inclusive.' })
  start!: string;

  @ApiProperty({ description: 'Runs that completed (COMPLETED, or a repeating command whose run completed).' })
  completed!: number;

  @ApiProperty({ description: 'Instances that failed for good (FAILED or DEAD_LETTER).' })
  failed!: number;

  @ApiProperty({ description: 'Instances whose deadline passed before they could start.' })
  expired!: number;

  @ApiProperty()
  cancelled!: number;
}

/**
 * The answer of `GET /stats/throughput`: consecutive buckets, oldest first, aligned to multiples of
 * the bucket width so that successive requests show the same buckets. The last one is the current,
 * still filling.
 *
 * @publicApi
 */
export class ThroughputResponseDto {
  @ApiProperty({ format: 'date-time', description: 'The start of the first bucket.' })
  from!: string;

  @ApiProperty({ format: 'date-time', description: 'The end of the last bucket (exclusive), at or after now.' })
  to!: string;

  @ApiProperty({ description: 'The width of each bucket, in milliseconds.' })
  bucket!: number;

  @ApiProperty({ type: [ThroughputBucketDto] })
  buckets!: ThroughputBucketDto[];
}
