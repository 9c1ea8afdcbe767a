import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A payment is captured once per order, and refunded when a later step fails. */
export enum PaymentStatus {
  CAPTURED = 'CAPTURED',
  REFUNDED = 'REFUNDED',
}

/** Money taken from the customer's card for one order, as the gateway confirmed it. */
@Entity({ name: 'payments' })
export class Payment {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** At most one payment per order: a retried charge finds this row instead of charging twice. */
  @Column({ name: 'order_id', type: 'varchar', length: 36 })
  orderId!: string;

  @Column({ name: 'amount_cents', type: 'integer' })
  amountCents!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: PaymentStatus;

  @Column({ name: 'charge_id', type: 'varchar', length: 64 })
  chargeId!: string;

  @Column({ name: 'captured_at', type: Date })
  capturedAt!: Date;

  @Column({ name: 'refund_id', type: 'varchar', length: 64, nullable: true })
  refundId!: string | null;

  @Column({ name: 'refunded_at', type: Date, nullable: true })
  refundedAt!: Date | null;
}
