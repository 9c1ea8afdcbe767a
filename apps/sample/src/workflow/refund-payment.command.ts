import { Command, type CommandHandler, exponentialBackoff, type Instance } from 'nestjs-durex';
import { PaymentsService } from '../payments/payments.service.js';
import type { PaidOrder } from './order-workflow.js';

/** Compensation: gives a captured payment back. Retried for long: a refund must not be lost. */
@Command('refundPayment', { retries: 10, backoff: exponentialBackoff({ initial: 1_000, max: 300_000 }) })
export class RefundPaymentCommand implements CommandHandler<PaidOrder> {
  constructor(private readonly payments: PaymentsService) {}

  async execute(cmd: Instance<PaidOrder>): Promise<void> {
    await this.payments.refund(cmd.data.paymentId);
  }
}
