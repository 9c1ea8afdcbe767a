import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import type { Order } from '../orders/order.entity.js';
import { PaymentGateway } from './payment.gateway.js';
import { Payment, PaymentStatus } from './payment.entity.js';

/**
 * Payments of orders. Gateway calls happen between transactions, never inside one: a slow gateway
 * must not hold database locks.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly gateway: PaymentGateway,
  ) {}

  /**
   * Charges the order's card and records the payment, then has the gateway screen it. Repeating it
   * charges nothing twice: a payment already recorded for the order is screened again as it is.
   * Throws the gateway's errors; when the screening fails, the captured payment stays recorded, so a
   * compensation can refund it.
   */
  async capture(order: Pick<Order, 'id' | 'paymentToken' | 'totalCents'>, signal?: AbortSignal): Promise<Payment> {
    let payment = await this.unitOfWork.run((manager) => this.paymentOf(manager, order.id));
    if (!payment) {
      const { chargeId } = await this.gateway.charge(
        { token: order.paymentToken, amountCents: order.totalCents, idempotencyKey: `order:${order.id}` },
        signal,
      );
      const captured = { id: randomUUID(), orderId: order.id, amountCents: order.totalCents, status: PaymentStatus.CAPTURED, chargeId, capturedAt: new Date() };
      payment = await this.unitOfWork.run((manager) => manager.save(manager.create(Payment, captured)));
    }
    await this.gateway.screen(order.paymentToken, payment.chargeId);
    return payment;
  }

  /** Refunds a captured payment. Safe to repeat: a refunded payment is left as it is. */
  async refund(paymentId: string): Promise<void> {
    const payment = await this.unitOfWork.run((manager) => manager.findOneByOrFail(Payment, { id: paymentId }));
    if (payment.status === PaymentStatus.REFUNDED) return;
    const { refundId } = await this.gateway.refund(payment.chargeId);
    await this.unitOfWork.run((manager) =>
      manager.update(Payment, { id: paymentId, status: PaymentStatus.CAPTURED }, { status: PaymentStatus.REFUNDED, refundId, refundedAt: new Date() }),
    );
  }

  /** The order's payment, refunded or not, if one was captured. */
  paymentOf(manager: EntityManager, orderId: string): Promise<Payment | null> {
    return manager.findOneBy(Payment, { orderId });
  }
}
