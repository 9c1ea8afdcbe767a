import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type EntityManager, In, MoreThanOrEqual } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { OutOfStockError } from './inventory.errors.js';
import { Reservation, ReservationStatus } from './reservation.entity.js';
import { StockItem } from './stock-item.entity.js';
import { SEED_STOCK } from './stock.seed.js';

/** Units of one product. */
export interface StockLine {
  sku: string;
  quantity: number;
}

/**
 * Stock and reservations. Each method takes the EntityManager of the caller's transaction, so a step
 * reserves stock and moves its order on in one commit.
 */
@Injectable()
export class InventoryService implements OnModuleInit {
  private readonly logger = new Logger(InventoryService.name);

  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Seeds the catalogue of an empty database, before the workflow starts running. */
  async onModuleInit(): Promise<void> {
    const seeded = await this.unitOfWork.run(async (manager) => {
      if (await manager.count(StockItem)) return false;
      await manager.insert(StockItem, [...SEED_STOCK]);
      return true;
    });
    if (seeded) this.logger.log(`Seeded stock: ${SEED_STOCK.map((item) => `${item.sku} × ${item.available}`).join(', ')}`);
  }

  /** The SKUs among `skus` that are not in the catalogue. */
  async unknownSkus(manager: EntityManager, skus: readonly string[]): Promise<string[]> {
    const known = await manager.findBy(StockItem, { sku: In([...new Set(skus)]) });
    return skus.filter((sku) => !known.some((item) => item.sku === sku));
  }

  /** Takes the units from stock and records a reservation per line. Throws {@link OutOfStockError}. */
  async reserve(manager: EntityManager, orderId: string, lines: readonly StockLine[]): Promise<void> {
    for (const { sku, quantity } of lines) {
      // One guarded statement: two orders racing for the last units cannot both get them.
      const taken = await manager.decrement(StockItem, { sku, available: MoreThanOrEqual(quantity) }, 'available', quantity);
      if (!taken.affected) throw new OutOfStockError(sku);
      await manager.insert(Reservation, { orderId, sku, quantity, status: ReservationStatus.RESERVED, releasedAt: null });
    }
  }

  /** Puts the units of the order's held reservations back in stock. Safe to repeat: returns how many it released. */
  async release(manager: EntityManager, orderId: string): Promise<number> {
    const held = await manager.findBy(Reservation, { orderId, status: ReservationStatus.RESERVED });
    let released = 0;
    for (const reservation of held) {
      const changed = await manager.update(
        Reservation,
        { id: reservation.id, status: ReservationStatus.RESERVED },
        { status: ReservationStatus.RELEASED, releasedAt: new Date() },
      );
      if (!changed.affected) continue;
      await manager.increment(StockItem, { sku: reservation.sku }, 'available', reservation.quantity);
      released += 1;
    }
    return released;
  }

  /** Marks the order's held reservations as shipped: their units have left the warehouse. */
  async fulfil(manager: EntityManager, orderId: string): Promise<void> {
    await manager.update(Reservation, { orderId, status: ReservationStatus.RESERVED }, { status: ReservationStatus.FULFILLED });
  }

  /** The order's reservations, oldest first. */
  reservationsOf(manager: EntityManager, orderId: string): Promise<Reservation[]> {
    return manager.find(Reservation, { where: { orderId }, order: { id: 'ASC' } });
  }
}
