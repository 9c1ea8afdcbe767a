import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Remembers each order's Idempotency-Key for good. durex's unique key holds only while the workflow
 * runs; this unique index keeps a key from placing a second order after the first one has ended.
 * Orders placed without a key store NULL, which both databases leave out of a unique index.
 */
export class SampleOrderIdempotencyKey1795850400001 implements MigrationInterface {
  readonly name = 'SampleOrderIdempotencyKey1795850400001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('orders', new TableColumn({ name: 'idempotency_key', type: 'varchar', length: '200', isNullable: true }));
    await queryRunner.createIndex('orders', new TableIndex({ name: 'orders_idempotency_key_idx', columnNames: ['idempotency_key'], isUnique: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('orders', 'orders_idempotency_key_idx');
    await queryRunner.dropColumn('orders', 'idempotency_key');
  }
}
