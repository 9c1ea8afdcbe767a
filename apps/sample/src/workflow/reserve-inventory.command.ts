import { Command, type CommandHandler, type Instance, Recover, Result } from 'nestjs-durex';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { OutOfStockError } from '../inventory/inventory.errors.js';
import { InventoryService } from '../inventory/inventory.service.js';
import { OrderStatus } from '../orders/order-status.js';
import { OrdersService } from '../orders/orders.service.js';
import type { OrderRef } from './order-workflow.js';
import { failPermanentlyOn } from './permanent-failures.js';

/** Step 2: takes the order's units from stock. */
@Command('reserveInventory', { retries: 3 })
export class ReserveInventoryCommand implements CommandHandler<OrderRef> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersService,
    private readonly inventory: InventoryService,
  ) {}

  async execute(cmd: Instance<OrderRef>): Promise<Result> {
    const { orderId } = cmd.data;
    // The reservations and the status change commit together: a rerun finds the order RESERVED and
    // reserves nothing twice, and a failure leaves nothing reserved.
    const advance = await failPermanentlyOn([OutOfStockError], () =>
      this.unitOfWork.run(async (manager) => {
        const order = await this.orders.get(manager, orderId);
        const advance = await this.orders.advance(manager, orderId, OrderStatus.VALIDATED, OrderStatus.RESERVED);
        if (advance === 'moved') await this.inventory.reserve(manager, orderId, order.lines);
        return advance;
      }),
    );
    return advance === 'halted' ? Result.empty() : cmd.continueSequence();
  }

  /** Nothing was reserved (the transaction rolled back): the order just fails. */
  @Recover()
  async onFailure(cmd: Instance<OrderRef>, error: Error): Promise<void> {
    await this.unitOfWork.run((manager) => this.orders.end(manager, cmd.data.orderId, OrderStatus.FAILED, `reservation failed: ${error.message}`));
  }
}
