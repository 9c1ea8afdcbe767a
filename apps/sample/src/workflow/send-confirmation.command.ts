import { Command, type CommandHandler, type Instance, Result, spec } from 'nestjs-durex';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { OrderStatus } from '../orders/order-status.js';
import { OrdersService } from '../orders/orders.service.js';
import type { ShippedOrder } from './order-workflow.js';

/** Step 5, the last: completes the order and fans out one email per line item. */
@Command('sendConfirmation', { retries: 3 })
export class SendConfirmationCommand implements CommandHandler<ShippedOrder> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersService,
  ) {}

  async execute(cmd: Instance<ShippedOrder>): Promise<Result> {
    const { orderId, trackingNumber } = cmd.data;
    const { order, advance } = await this.unitOfWork.run(async (manager) => ({
      order: await this.orders.get(manager, orderId),
      advance: await this.orders.advance(manager, orderId, OrderStatus.SHIPPED, OrderStatus.COMPLETED),
    }));
    if (advance === 'halted') return Result.empty();
    // Children, not steps: each email is retried on its own, and waits for its turn under the email limits.
    return Result.spawn(
      ...order.lines.map((line) =>
        spec('sendOrderEmail', {
          orderId,
          messageKey: `order:${orderId}:line:${line.id}`,
          to: order.customerEmail,
          subject: `Your ${line.sku} is on its way`,
          body: `${line.quantity} × ${line.sku} shipped with tracking number ${trackingNumber}.`,
        }).build(),
      ),
    );
  }
}
