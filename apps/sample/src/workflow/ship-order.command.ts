import { Command, type CommandContext, type CommandHandler, exponentialBackoff, type Instance, Recover, Result } from 'nestjs-durex';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { InventoryService } from '../inventory/inventory.service.js';
import { OrderStatus } from '../orders/order-status.js';
import { OrdersService } from '../orders/orders.service.js';
import { UnsupportedDestinationError } from '../shipping/shipping.errors.js';
import { ShippingService } from '../shipping/shipping.service.js';
import { OrderSaga } from './order-saga.service.js';
import type { PaidOrder } from './order-workflow.js';
import { failPermanentlyOn } from './permanent-failures.js';

/** Step 4: books the shipment; the reserved units leave the warehouse. */
@Command('shipOrder', { retries: 3, backoff: exponentialBackoff({ initial: 1_000 }) })
export class ShipOrderCommand implements CommandHandler<PaidOrder> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersService,
    private readonly inventory: InventoryService,
    private readonly shipping: ShippingService,
    private readonly saga: OrderSaga,
  ) {}

  async execute(cmd: Instance<PaidOrder>, ctx: CommandContext): Promise<Result> {
    const { orderId } = cmd.data;
    const order = await this.unitOfWork.run((manager) => this.orders.get(manager, orderId));
    // SHIPPED: a rerun; booking again returns the same tracking number.
    if (order.status !== OrderStatus.PAID && order.status !== OrderStatus.SHIPPED) return Result.empty();
    const { trackingNumber } = await failPermanentlyOn([UnsupportedDestinationError], () => this.shipping.book(order, ctx.signal));
    const advance = await this.unitOfWork.run(async (manager) => {
      const advance = await this.orders.advance(manager, orderId, OrderStatus.PAID, OrderStatus.SHIPPED, { trackingNumber });
      if (advance === 'moved') await this.inventory.fulfil(manager, orderId);
      return advance;
    });
    return advance === 'halted' ? Result.empty() : cmd.continueSequence({ trackingNumber });
  }

  /** The order was paid for but cannot ship: refund it and release the stock. */
  @Recover()
  onFailure(cmd: Instance<PaidOrder>, error: Error): Promise<Result> {
    return this.saga.compensate(cmd.data.orderId, OrderStatus.FAILED, `shipping failed: ${error.message}`);
  }
}
