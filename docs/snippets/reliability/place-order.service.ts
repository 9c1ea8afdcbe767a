import { Injectable } from '@nestjs/common';
import { DurexClient } from 'nestjs-durex';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';

@Entity('orders')
export class Order {
  @PrimaryColumn({ type: 'varchar' })
  id!: string;

  @Column({ type: 'varchar' })
  status!: string;
}

@Injectable()
export class PlaceOrderService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly durex: DurexClient,
  ) {}

  /** The order and the command that processes it are committed together, or not at all. */
  async place(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Order, { id, status: 'PLACED' });
      await this.durex.add({ name: 'fulfilOrder', data: { orderId: id }, uniqueKey: `order:${id}` }, { manager });
      // Throwing here rolls back both: no order, no command.
    });
  }
}
