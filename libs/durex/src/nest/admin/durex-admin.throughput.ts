import { Status } from '../../core/status.js';
import type { QueryableStorage } from '../../storage/storage.interface.js';
import type { ThroughputBucketDto, ThroughputResponseDto } from './dto/throughput-response.dto.js';

/** What to count: buckets of `bucket` ms covering at least the last `window` ms before `now`. */
export interface ThroughputRequest {
  now: number;
  window: number;
  bucket: number;
}

/** The statuses of each failed-side outcome; every other finished instance completed its last run. */
const OUTCOMES = {
  failed: [Status.FAILED, Status.DEAD_LETTER],
  expired: [Status.EXPIRED],
  cancelled: [Status.CANCELLED],
} as const;

/**
 * Counts finished instances per time bucket, by outcome, from `completedAt`.
 *
 * Storage can count instances finished before a time (`completedBefore`), grouped by status, on
 * every backend; so the count of one bucket is the difference between the cumulative counts at its
 * two edges: one grouped count per edge, run together. A row that changes between two of those counts (a replay clears `completedAt`, cleanup
 * deletes) can make a difference negative; it is clamped to zero, the next refresh being exact.
 *
 * "Completed" is every finished instance that did not fail, expire or get cancelled: a repeating
 * command keeps the `completedAt` of its last run while it is REPEATING, STARTED again or retrying.
 */
export async function countThroughput(storage: QueryableStorage, { now, window, bucket }: ThroughputRequest): Promise<ThroughputResponseDto> {
  // Buckets are aligned to multiples of their width, so successive refreshes show the same ones.
  const to = (Math.floor(now / bucket) + 1) * bucket;
  const count = Math.ceil(window / bucket);
  const from = to - count * bucket;
  const edges = Array.from({ length: count + 1 }, (_, index) => from + index * bucket);
  const cumulative = await Promise.all(edges.map((edge) => storage.countBy('status', { completedBefore: new Date(edge) })));
  const buckets = edges.slice(0, -1).map((start, index) => bucketOf(start, cumulative[index]!, cumulative[index + 1]!));
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucket, buckets };
}

function bucketOf(start: number, before: Record<string, number>, after: Record<string, number>): ThroughputBucketDto {
  const finished = (statuses?: readonly string[]) => {
    const keys = statuses ?? Object.keys({ ...before, ...after });
    return Math.max(0, keys.reduce((sum, status) => sum + (after[status] ?? 0) - (before[status] ?? 0), 0));
  };
  const failed = finished(OUTCOMES.failed);
  const expired = finished(OUTCOMES.expired);
  const cancelled = finished(OUTCOMES.cancelled);
  return { start: new Date(start).toISOString(), completed: Math.max(0, finished() - failed - expired - cancelled), failed, expired, cancelled };
}
