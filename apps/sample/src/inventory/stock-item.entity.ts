import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A product and how many units are free to reserve. */
@Entity({ name: 'stock_items' })
export class StockItem {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  sku!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Units not reserved by any order; the database refuses to let it go below zero. */
  @Column({ type: 'integer' })
  available!: number;
}
