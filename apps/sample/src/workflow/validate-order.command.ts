import { Command, type CommandHandler, type Instance, PermanentError, Recover, Result } from 'nestjs-durex';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { InventoryService } from '../inventory/inventory.service.js';
import { OrderStatus } from '../orders/order-status.js';
import { OrdersService } from '../orders/orders.service.js';
import type { OrderRef } from './order-workflow.js';

/** Step 1: checks that every product of the order exists. */
@Command('validateOrder', { retries: 3 })
export class ValidateOrderCommand implements CommandHandler<OrderRef> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersService,
    private readonly inventory: InventoryService,
  ) {}

  async execute(cmd: Instance<OrderRef>): Promise<Result> {
    const { orderId } = cmd.data;
    const advance = await this.unitOfWork.run(async (manager) => {
      const order = await this.orders.get(manager, orderId);
      const unknown = await this.inventory.unknownSkus(manager, order.lines.map((line) => line.sku));
      if (unknown.length) throw new PermanentError(`unknown product ${unknown.join(', ')}`);
      return this.orders.advance(manager, orderId, OrderStatus.PLACED, OrderStatus.VALIDATED);
    });
    return advance === 'halted' ? Result.empty() : cmd.continueSequence();
  }

  /** Nothing to undo yet: the order just fails. */
  @Recover()
  async onFailure(cmd: Instance<OrderRef>, error: Error): Promise<void> {
    await this.unitOfWork.run((manager) => this.orders.end(manager, cmd.data.orderId, OrderStatus.FAILED, `invalid order: ${error.message}`));
  }
}
