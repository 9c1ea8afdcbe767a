import { ApiProperty } from '@nestjs/swagger';
import { Status } from 'nestjs-durex';
import { ReservationStatus } from '../../inventory/reservation.entity.js';
import { PaymentStatus } from '../../payments/payment.entity.js';
import { OrderStatus } from '../order-status.js';
import { ShippingAddressDto } from './create-order.dto.js';

/*
 * The responses of /orders. Amounts are in currency units (12.5), as the request gives them; the
 * database keeps cents.
 */

/** Where to go next. */
export class OrderLinks {
  @ApiProperty({ example: '/orders/0b6a…' })
  self!: string;
}

/** The answer to POST /orders: the order is stored and its workflow queued. */
export class PlacedOrderView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: OrderStatus, example: OrderStatus.PLACED })
  status!: OrderStatus;

  @ApiProperty({ type: OrderLinks })
  links!: OrderLinks;
}

/** An order in the list of recent orders. */
export class OrderSummaryView extends PlacedOrderView {
  @ApiProperty()
  total!: number;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}

/** One product of the order. */
export class OrderLineView {
  @ApiProperty()
  sku!: string;

  @ApiProperty()
  quantity!: number;

  @ApiProperty()
  unitPrice!: number;
}

/** The order's payment, and its refund when a later step failed. */
export class PaymentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: PaymentStatus })
  status!: PaymentStatus;

  @ApiProperty()
  amount!: number;

  @ApiProperty()
  chargeId!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  capturedAt!: Date;

  @ApiProperty({ type: String, nullable: true })
  refundId!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  refundedAt!: Date | null;
}

/** Units held for the order, released by a compensation or fulfilled by shipping. */
export class ReservationView {
  @ApiProperty()
  sku!: string;

  @ApiProperty()
  quantity!: number;

  @ApiProperty({ enum: ReservationStatus })
  status!: ReservationStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  releasedAt!: Date | null;
}

/** A confirmation email sent about the order. */
export class EmailView {
  @ApiProperty()
  to!: string;

  @ApiProperty()
  subject!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  sentAt!: Date;
}

/** One durex instance of the order's workflow: a step, a compensation or an email. */
export class WorkflowStepView {
  @ApiProperty()
  id!: string;

  @ApiProperty({ example: 'chargePayment' })
  name!: string;

  @ApiProperty({ enum: Object.values(Status) })
  status!: Status;

  @ApiProperty({ description: 'The number of the current or last attempt' })
  attempt!: number;

  @ApiProperty({ type: String, nullable: true, description: 'The last error' })
  error!: string | null;

  @ApiProperty({ type: String, nullable: true })
  traceId!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt!: Date | null;
}

/** The answer to GET /orders/:id: the order and everything its workflow did. */
export class OrderView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: OrderStatus })
  status!: OrderStatus;

  @ApiProperty({ type: String, nullable: true, description: 'Why the order was FAILED or CANCELLED' })
  failureReason!: string | null;

  @ApiProperty()
  customerEmail!: string;

  @ApiProperty({ type: ShippingAddressDto })
  shippingAddress!: ShippingAddressDto;

  @ApiProperty({ example: '4242' })
  cardLast4!: string;

  @ApiProperty()
  total!: number;

  @ApiProperty({ type: String, nullable: true })
  trackingNumber!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;

  @ApiProperty({ type: [OrderLineView] })
  lines!: OrderLineView[];

  @ApiProperty({ type: PaymentView, nullable: true })
  payment!: PaymentView | null;

  @ApiProperty({ type: [ReservationView] })
  reservations!: ReservationView[];

  @ApiProperty({ type: [EmailView] })
  emails!: EmailView[];

  @ApiProperty({ type: [WorkflowStepView], description: 'Oldest first' })
  workflow!: WorkflowStepView[];
}
