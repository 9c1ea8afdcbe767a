import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EventType } from '../../../core/event.js';
import { numberColumn, timeColumn } from './column-transformers.js';

/**
 * A row of `durex_events`, the append-only history of instances (see {@link DurexInstanceEntity}
 * for how the entities are meant to be used).
 *
 * @publicApi
 */
@Entity({ name: 'durex_events', synchronize: false })
export class DurexInstanceEventEntity {
  /** Increases with every event appended; an instance's history is ordered by it. */
  @PrimaryColumn({ type: 'bigint', transformer: numberColumn })
  id!: number;

  @Column({ name: 'instance_id', type: 'varchar', length: 128 })
  instanceId!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: EventType;

  @Column({ type: 'bigint', transformer: timeColumn })
  at!: Date;

  @Column({ type: 'integer', nullable: true })
  attempt!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'duration_ms', type: 'double precision', nullable: true, transformer: numberColumn })
  durationMs!: number | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;
}
