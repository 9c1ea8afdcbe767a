import { Module } from '@nestjs/common';
import { InventoryService } from './inventory.service.js';

/** Stock and reservations. */
@Module({ providers: [InventoryService], exports: [InventoryService] })
export class InventoryModule {}
