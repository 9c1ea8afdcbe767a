import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CommandData } from '../../../core/json.js';
import type { Status } from '../../../core/status.js';
import { jsonColumn, listColumn, numberColumn, timeColumn } from './column-transformers.js';

/**
 * A row of `durex_instances`, for reading durex's state with TypeORM (reports, joins with your own
 * tables). The schema belongs to `DUREX_MIGRATIONS`, so `synchronize` leaves this table alone;
 * write through the storage, which keeps the invariants (guarded transitions, unique keys, leases).
 * Indexes are listed in the migration.
 *
 * @publicApi
 */
@Entity({ name: 'durex_instances', synchronize: false })
export class DurexInstanceEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  data!: CommandData | null;

  @Column({ type: 'varchar', length: 16 })
  status!: Status;

  @Column({ type: 'integer' })
  retries!: number;

  @Column({ name: 'max_retries', type: 'integer' })
  maxRetries!: number;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'text', transformer: listColumn })
  sequence!: string[];

  @Column({ name: 'parent_id', type: 'varchar', length: 128, nullable: true })
  parentId!: string | null;

  @Column({ type: 'integer' })
  priority!: number;

  @Column({ type: 'text', transformer: listColumn })
  tags!: string[];

  @Column({ name: 'unique_key', type: 'text', nullable: true })
  uniqueKey!: string | null;

  @Column({ name: 'trace_id', type: 'text', nullable: true })
  traceId!: string | null;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: timeColumn })
  createdAt!: Date;

  @Column({ name: 'ready_at', type: 'bigint', transformer: timeColumn })
  readyAt!: Date;

  @Column({ name: 'started_at', type: 'bigint', nullable: true, transformer: timeColumn })
  startedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'bigint', nullable: true, transformer: timeColumn })
  completedAt!: Date | null;

  @Column({ name: 'deadline_at', type: 'bigint', nullable: true, transformer: timeColumn })
  deadlineAt!: Date | null;

  @Column({ name: 'timeout_ms', type: 'bigint', transformer: numberColumn })
  timeoutMs!: number;

  @Column({ name: 'period_ms', type: 'bigint', transformer: numberColumn })
  periodMs!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  metadata!: CommandData | null;

  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_expires_at', type: 'bigint', nullable: true, transformer: timeColumn })
  leaseExpiresAt!: Date | null;

  @Column({ name: 'concurrency_key', type: 'text', nullable: true })
  concurrencyKey!: string | null;
}
