import { Injectable } from '@nestjs/common';
import { CommandNotFoundError, type DuplicateCommandError, DurexClient, type Instance } from 'nestjs-durex';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { InventoryService } from '../inventory/inventory.service.js';
import { Mailer } from '../notifications/mailer.service.js';
import { PaymentsService } from '../payments/payments.service.js';
import type { OrderSummaryView, OrderView, PlacedOrderView, WorkflowStepView } from './dto/order-view.dto.js';
import { Order } from './order.entity.js';
import { OrdersService } from './orders.service.js';

/** Builds the views of orders that the API returns. */
@Injectable()
export class OrderViewService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersService,
    private readonly inventory: InventoryService,
    private readonly payments: PaymentsService,
    private readonly mailer: Mailer,
    private readonly durex: DurexClient,
  ) {}

  /** The answer to placing an order. */
  placed(order: Pick<Order, 'id' | 'status'>): PlacedOrderView {
    return { id: order.id, status: order.status, links: { self: `/orders/${order.id}` } };
  }

  /** The most recent orders, newest first. */
  async recent(limit: number): Promise<OrderSummaryView[]> {
    const orders = await this.unitOfWork.run((manager) => manager.find(Order, { order: { createdAt: 'DESC', id: 'ASC' }, take: limit }));
    return orders.map((order) => ({ ...this.placed(order), total: toUnits(order.totalCents), createdAt: order.createdAt }));
  }

  /**
   * The order whose workflow holds the unique key a rejected submission asked for, when it can still
   * be found: the order the first submission with that Idempotency-Key created.
   */
  async original(duplicate: DuplicateCommandError): Promise<PlacedOrderView | undefined> {
    if (!duplicate.existingId) return undefined;
    const holder = await this.durex.get(duplicate.existingId).catch((error: unknown) => {
      if (error instanceof CommandNotFoundError) return undefined;
      throw error;
    });
    const orderId = holder?.correlationId;
    const order = orderId ? await this.unitOfWork.run((manager) => this.orders.find(manager, orderId)) : null;
    return order ? this.placed(order) : undefined;
  }

  /** An order with its payment, reservations, emails and workflow steps, or null. */
  async view(id: string): Promise<OrderView | null> {
    // Every instance of the workflow carries the order's id as its correlation id: the steps, the
    // emails they fan out and the compensations. Read before the tables: a step commits its changes
    // before durex records it done, so a step shown done has its changes in what is read next.
    const steps = await this.durex.find({ correlationId: id, orderBy: 'createdAt' });
    const stored = await this.unitOfWork.run(async (manager) => {
      const order = await this.orders.find(manager, id);
      if (!order) return null;
      const payment = await this.payments.paymentOf(manager, id);
      const reservations = await this.inventory.reservationsOf(manager, id);
      const emails = await this.mailer.sentFor(manager, id);
      return { order, payment, reservations, emails };
    });
    if (!stored) return null;
    const { order, payment, reservations, emails } = stored;
    return {
      id: order.id,
      status: order.status,
      failureReason: order.failureReason,
      customerEmail: order.customerEmail,
      shippingAddress: order.shippingAddress,
      cardLast4: order.cardLast4,
      total: toUnits(order.totalCents),
      trackingNumber: order.trackingNumber,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
      lines: order.lines.map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPrice: toUnits(unitPriceCents) })),
      payment: payment && {
        id: payment.id,
        status: payment.status,
        amount: toUnits(payment.amountCents),
        chargeId: payment.chargeId,
        capturedAt: payment.capturedAt,
        refundId: payment.refundId,
        refundedAt: payment.refundedAt,
      },
      reservations: reservations.map(({ sku, quantity, status, releasedAt }) => ({ sku, quantity, status, releasedAt })),
      emails: emails.map(({ recipient, subject, sentAt }) => ({ to: recipient, subject, sentAt })),
      workflow: steps.map(toStep),
    };
  }
}

function toStep(instance: Instance): WorkflowStepView {
  const { id, name, status, attempt, error, traceId, createdAt, startedAt, completedAt } = instance;
  return { id, name, status, attempt, error, traceId, createdAt, startedAt, completedAt };
}

function toUnits(cents: number): number {
  return cents / 100;
}
