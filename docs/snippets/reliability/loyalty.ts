import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per command whose effect has been applied: the record that makes a re-run harmless. */
@Entity('processed_commands')
export class ProcessedCommand {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;
}

@Entity('loyalty_accounts')
export class LoyaltyAccount {
  @PrimaryColumn({ type: 'varchar' })
  customerId!: string;

  @Column({ type: 'integer', default: 0 })
  points!: number;
}

