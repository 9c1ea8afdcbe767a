import { ApiPropertyOptional } from '@nestjs/swagger';
import { Max, Min, ValidateBy } from 'class-validator';
import {
  DEFAULT_THROUGHPUT_BUCKET_MS,
  DEFAULT_THROUGHPUT_WINDOW_MS,
  MAX_THROUGHPUT_BUCKETS,
  MAX_THROUGHPUT_WINDOW_MS,
  MIN_THROUGHPUT_BUCKET_MS,
} from '../durex-admin.constants.js';
import { tooManyBucketsMessage } from '../durex-admin.messages.js';
import { IsWholeNumber } from './validation.decorator.js';

/**
 * The query of `GET /stats/throughput`: how far back to look and how wide each bucket is, both in
 * milliseconds.
 *
 * @publicApi
 */
export class ThroughputQueryDto {
  @ApiPropertyOptional({
    description: 'How far back to count, in milliseconds.',
    type: 'integer',
    minimum: MIN_THROUGHPUT_BUCKET_MS,
    maximum: MAX_THROUGHPUT_WINDOW_MS,
    default: DEFAULT_THROUGHPUT_WINDOW_MS,
  })
  @Max(MAX_THROUGHPUT_WINDOW_MS)
  @Min(MIN_THROUGHPUT_BUCKET_MS)
  @IsWholeNumber()
  window: number = DEFAULT_THROUGHPUT_WINDOW_MS;

  @ApiPropertyOptional({
    description: `The width of one bucket, in milliseconds; the window may hold at most ${MAX_THROUGHPUT_BUCKETS} of them.`,
    type: 'integer',
    minimum: MIN_THROUGHPUT_BUCKET_MS,
    maximum: MAX_THROUGHPUT_WINDOW_MS,
    default: DEFAULT_THROUGHPUT_BUCKET_MS,
  })
  @ValidateBy({
    name: 'fitsWindow',
    validator: {
      // A window that is not a number has its own message; this check is only about the ratio.
      validate: (bucket: unknown, args) => {
        const window = (args?.object as ThroughputQueryDto | undefined)?.window;
        return typeof window !== 'number' || (typeof bucket === 'number' && window / bucket <= MAX_THROUGHPUT_BUCKETS);
      },
      defaultMessage: () => tooManyBucketsMessage(MAX_THROUGHPUT_BUCKETS),
    },
  })
  // A bucket beyond the longest window would put its start before any representable date (a 500 found by the fuzz).
  @Max(MAX_THROUGHPUT_WINDOW_MS)
  @Min(MIN_THROUGHPUT_BUCKET_MS)
  @IsWholeNumber()
  bucket: number = DEFAULT_THROUGHPUT_BUCKET_MS;
}
