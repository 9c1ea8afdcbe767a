import { Module } from '@nestjs/common';
import { InventoryModule } from '../inventory/inventory.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { PaymentsModule } from '../payments/payments.module.js';
import { OrderViewService } from './order-view.service.js';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';

/** The orders API and the order records the workflow moves along. */
@Module({
  imports: [InventoryModule, PaymentsModule, NotificationsModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrderViewService],
  exports: [OrdersService],
})
export class OrdersModule {}
