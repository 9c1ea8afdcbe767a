import { Command, type CommandHandler, exponentialBackoff, type Instance } from 'nestjs-durex';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { InventoryService } from '../inventory/inventory.service.js';
import type { OrderRef } from './order-workflow.js';

/** Compensation: puts the order's reserved units back in stock. Retried for long, like refunds. */
@Command('releaseStock', { retries: 10, backoff: exponentialBackoff({ initial: 1_000, max: 300_000 }) })
export class ReleaseStockCommand implements CommandHandler<OrderRef> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly inventory: InventoryService,
  ) {}

  async execute(cmd: Instance<OrderRef>): Promise<void> {
    await this.unitOfWork.run((manager) => this.inventory.release(manager, cmd.data.orderId));
  }
}
