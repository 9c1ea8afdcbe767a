import { Module } from '@nestjs/common';
import { InventoryModule } from '../inventory/inventory.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { PaymentsModule } from '../payments/payments.module.js';
import { ShippingModule } from '../shipping/shipping.module.js';
import { ChargePaymentCommand } from './charge-payment.command.js';
import { CleanupAbandonedOrdersCommand } from './cleanup-abandoned-orders.command.js';
import { OrderSaga } from './order-saga.service.js';
import { RefundPaymentCommand } from './refund-payment.command.js';
import { ReleaseStockCommand } from './release-stock.command.js';
import { ReserveInventoryCommand } from './reserve-inventory.command.js';
import { SendConfirmationCommand } from './send-confirmation.command.js';
import { SendOrderEmailCommand } from './send-order-email.command.js';
import { ShipOrderCommand } from './ship-order.command.js';
import { ValidateOrderCommand } from './validate-order.command.js';

/**
 * The order workflow's command handlers: ordinary providers, found by durex through `@Command` and
 * built by Nest with the services they inject.
 */
@Module({
  imports: [OrdersModule, InventoryModule, PaymentsModule, ShippingModule, NotificationsModule],
  providers: [
    ValidateOrderCommand,
    ReserveInventoryCommand,
    ChargePaymentCommand,
    ShipOrderCommand,
    SendConfirmationCommand,
    SendOrderEmailCommand,
    RefundPaymentCommand,
    ReleaseStockCommand,
    CleanupAbandonedOrdersCommand,
    OrderSaga,
  ],
})
export class WorkflowModule {}
