import { Logger } from '@nestjs/common';
import { ACTIVE_STATUSES, Command, type CommandHandler, DurexClient, InvalidStateError, Result } from 'nestjs-durex';
import { WORKFLOW_CONFIG } from '../config/workflow.config.js';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { OrdersService } from '../orders/orders.service.js';

/**
 * Cancels orders still PLACED an hour after they were created: their workflow never started (the
 * service was down, or the queue far behind), and the customer has been told nothing. A permanent
 * command (`permanentCommands` in the module options): one instance always exists, and it repeats
 * every `CLEANUP_PERIOD_MS`.
 */
@Command('cleanupAbandonedOrders', { period: WORKFLOW_CONFIG.cleanupPeriod })
export class CleanupAbandonedOrdersCommand implements CommandHandler<Record<string, never>> {
  private readonly logger = new Logger(CleanupAbandonedOrdersCommand.name);

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersService,
    private readonly durex: DurexClient,
  ) {}

  async execute(): Promise<Result> {
    const cutoff = new Date(Date.now() - WORKFLOW_CONFIG.abandonedAfter);
    const reason = `abandoned: its workflow had not started ${WORKFLOW_CONFIG.abandonedAfter / 60_000} minutes after it was placed`;
    const cancelled = await this.unitOfWork.run((manager) => this.orders.cancelAbandoned(manager, cutoff, reason));
    for (const orderId of cancelled) await this.cancelWorkflow(orderId);
    if (cancelled.length) this.logger.log(`Cancelled ${cancelled.length} abandoned orders: ${cancelled.join(', ')}`);
    return Result.repeat();
  }

  /** Cancels what is left of the order's workflow, so it does not run for an order that is gone. */
  private async cancelWorkflow(orderId: string): Promise<void> {
    for (const step of await this.durex.find({ correlationId: orderId, status: ACTIVE_STATUSES })) {
      try {
        await this.durex.cancel(step.id);
      } catch (error) {
        // It finished in the meantime; it found the order cancelled and stopped.
        if (!(error instanceof InvalidStateError)) throw error;
      }
    }
  }
}
