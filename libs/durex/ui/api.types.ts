/*
 * The admin API's response shapes, taken from its DTOs so that the page and the API cannot drift
 * apart: a changed field fails this folder's type-check. Type-only: nothing of the server is bundled.
 */
export type { InstancePageDto as InstancePage } from '../src/nest/admin/dto/instance-page.dto.js';
export type { InstanceEventDto as InstanceEvent, InstanceResponseDto as InstanceView } from '../src/nest/admin/dto/instance-response.dto.js';
export type { StatsResponseDto as Stats } from '../src/nest/admin/dto/stats-response.dto.js';
export type { ThroughputBucketDto as ThroughputBucket, ThroughputResponseDto as Throughput } from '../src/nest/admin/dto/throughput-response.dto.js';
