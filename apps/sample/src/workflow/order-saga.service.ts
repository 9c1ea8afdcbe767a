import { Injectable } from '@nestjs/common';
import { Result, type Spec, spec } from 'nestjs-durex';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { OrderStatus } from '../orders/order-status.js';
import { OrdersService } from '../orders/orders.service.js';
import { PaymentStatus } from '../payments/payment.entity.js';
import { PaymentsService } from '../payments/payments.service.js';

/** The compensating side of the order workflow: what undoes the steps that had succeeded. */
@Injectable()
export class OrderSaga {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersService,
    private readonly payments: PaymentsService,
  ) {}

  /**
   * Ends the order as FAILED or CANCELLED with the reason, and returns the compensations as children
   * of the failed step: `refundPayment` when a payment was captured, and `releaseStock`. Each is a
   * command of its own, with its own retries, so a refund that fails once is not lost; both are safe
   * to run when there is nothing to undo.
   */
  async compensate(orderId: string, status: OrderStatus.FAILED | OrderStatus.CANCELLED, reason: string): Promise<Result> {
    const payment = await this.unitOfWork.run(async (manager) => {
      await this.orders.end(manager, orderId, status, reason);
      return this.payments.paymentOf(manager, orderId);
    });
    const compensations: Spec[] = [spec('releaseStock', { orderId }).build()];
    if (payment?.status === PaymentStatus.CAPTURED) compensations.unshift(spec('refundPayment', { orderId, paymentId: payment.id }).build());
    return Result.spawn(...compensations);
  }
}
