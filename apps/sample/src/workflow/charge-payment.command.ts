import {
  Command,
  type CommandContext,
  type CommandHandler,
  Expired,
  exponentialBackoff,
  type Instance,
  Recover,
  Result,
} from 'nestjs-durex';
import { WORKFLOW_CONFIG } from '../config/workflow.config.js';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { OrderStatus } from '../orders/order-status.js';
import { OrdersService } from '../orders/orders.service.js';
import { CardDeclinedError, FraudSuspectedError } from '../payments/payment-gateway.errors.js';
import { PaymentsService } from '../payments/payments.service.js';
import { OrderSaga } from './order-saga.service.js';
import type { OrderRef } from './order-workflow.js';
import { failPermanentlyOn } from './permanent-failures.js';

const { paymentBackoff, paymentDeadline } = WORKFLOW_CONFIG;

/**
 * Step 3: charges the card. An unreachable gateway is retried with exponential backoff until the
 * retries are spent or the deadline passes; a declined card or a fraud flag fails at once.
 */
@Command('chargePayment', {
  retries: 5,
  backoff: exponentialBackoff({ initial: paymentBackoff.initial, multiplier: 2, max: paymentBackoff.max }),
  deadline: paymentDeadline,
})
export class ChargePaymentCommand implements CommandHandler<OrderRef> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersService,
    private readonly payments: PaymentsService,
    private readonly saga: OrderSaga,
  ) {}

  async execute(cmd: Instance<OrderRef>, ctx: CommandContext): Promise<Result> {
    const { orderId } = cmd.data;
    const order = await this.unitOfWork.run((manager) => this.orders.get(manager, orderId));
    // PAID: a rerun, whose capture finds the recorded payment. Anything else: ended meanwhile, charge nothing.
    if (order.status !== OrderStatus.RESERVED && order.status !== OrderStatus.PAID) return Result.empty();
    const payment = await failPermanentlyOn([CardDeclinedError, FraudSuspectedError], () => this.payments.capture(order, ctx.signal));
    const advance = await this.unitOfWork.run((manager) => this.orders.advance(manager, orderId, OrderStatus.RESERVED, OrderStatus.PAID));
    return advance === 'halted' ? Result.empty() : cmd.continueSequence({ paymentId: payment.id });
  }

  /** Declined, flagged, or out of retries: refund what was captured, release the stock. */
  @Recover()
  onFailure(cmd: Instance<OrderRef>, error: Error): Promise<Result> {
    return this.saga.compensate(cmd.data.orderId, OrderStatus.FAILED, `payment failed: ${error.message}`);
  }

  /** Still retrying when the deadline passed: the customer has waited long enough. */
  @Expired()
  onExpired(cmd: Instance<OrderRef>): Promise<Result> {
    return this.saga.compensate(cmd.data.orderId, OrderStatus.CANCELLED, `payment not completed within ${paymentDeadline} ms`);
  }
}
