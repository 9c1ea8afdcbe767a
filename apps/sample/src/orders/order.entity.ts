import { Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { OrderLine } from './order-line.entity.js';
import { OrderStatus } from './order-status.js';

/** Where an order goes. Stored whole, as JSON: it is only ever read and written as one value. */
export interface ShippingAddress {
  name: string;
  street: string;
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

/**
 * An order, from the moment it is placed until its workflow ends. Column types are left to TypeORM
 * where they differ between SQLite and PostgreSQL (`Date`), so one entity maps both databases.
 */
@Entity({ name: 'orders' })
export class Order {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: OrderStatus;

  @Column({ name: 'customer_email', type: 'varchar', length: 254 })
  customerEmail!: string;

  @Column({ name: 'shipping_address', type: 'simple-json' })
  shippingAddress!: ShippingAddress;

  /** The payment gateway's token for the card; the card number itself is never stored. */
  @Column({ name: 'payment_token', type: 'varchar', length: 64 })
  paymentToken!: string;

  @Column({ name: 'card_last4', type: 'varchar', length: 4 })
  cardLast4!: string;

  @Column({ name: 'total_cents', type: 'integer' })
  totalCents!: number;

  /** The client's `Idempotency-Key`, if it sent one: a key places one order, ever. */
  @Index('orders_idempotency_key_idx', { unique: true })
  @Column({ name: 'idempotency_key', type: 'varchar', length: 200, nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'tracking_number', type: 'varchar', length: 64, nullable: true })
  trackingNumber!: string | null;

  /** Why the order was FAILED or CANCELLED. */
  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @OneToMany(() => OrderLine, (line) => line.order, { cascade: ['insert'] })
  lines!: OrderLine[];

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
