import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An email the Mailer delivered: the sample's outbox, kept so the order view can show it. */
@Entity({ name: 'sent_emails' })
export class SentEmail {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** Unique per message: delivering one twice (a retried command) records and sends it once. */
  @Column({ name: 'message_key', type: 'varchar', length: 128 })
  messageKey!: string;

  @Column({ name: 'order_id', type: 'varchar', length: 36 })
  orderId!: string;

  @Column({ type: 'varchar', length: 254 })
  recipient!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'sent_at', type: Date })
  sentAt!: Date;
}
