import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions } from 'typeorm';

/**
 * The order service's tables, on SQLite and PostgreSQL alike: the Table API writes each database's
 * DDL, and the few types that differ are picked from the driver.
 *
 * Times are `timestamptz` on PostgreSQL, so stored instants never depend on the server's or the
 * process's time zone, and `datetime` (UTC text) on SQLite. The entities declare them as `Date`,
 * which TypeORM reads and writes the same way for both column types.
 */
export class SampleInit1795850400000 implements MigrationInterface {
  readonly name = 'SampleInit1795850400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { driver } = queryRunner.connection;
    const time = driver.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    const column = {
      id: { name: 'id', type: 'varchar', length: '36', isPrimary: true },
      serial: { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      orderId: { name: 'order_id', type: 'varchar', length: '36' },
      sku: { name: 'sku', type: 'varchar', length: '64' },
      status: { name: 'status', type: 'varchar', length: '16' },
      createdAt: { name: 'created_at', type: time, default: driver.mappedDataTypes.createDateDefault },
    } satisfies Record<string, TableColumnOptions>;
    const ofOrder = (table: string) => ({
      name: `${table}_order_fk`,
      columnNames: ['order_id'],
      referencedTableName: 'orders',
      referencedColumnNames: ['id'],
      onDelete: 'CASCADE',
    });

    await queryRunner.createTable(
      new Table({
        name: 'orders',
        columns: [
          column.id,
          column.status,
          { name: 'customer_email', type: 'varchar', length: '254' },
          { name: 'shipping_address', type: 'text' },
          { name: 'payment_token', type: 'varchar', length: '64' },
          { name: 'card_last4', type: 'varchar', length: '4' },
          { name: 'total_cents', type: 'integer' },
          { name: 'tracking_number', type: 'varchar', length: '64', isNullable: true },
          { name: 'failure_reason', type: 'text', isNullable: true },
          column.createdAt,
          { name: 'updated_at', type: time, default: driver.mappedDataTypes.updateDateDefault },
        ],
        // The cleanup looks for orders still PLACED long after they were created.
        indices: [{ name: 'orders_status_created_idx', columnNames: ['status', 'created_at'] }],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'order_lines',
        columns: [
          column.serial,
          column.orderId,
          column.sku,
          { name: 'quantity', type: 'integer' },
          { name: 'unit_price_cents', type: 'integer' },
        ],
        foreignKeys: [ofOrder('order_lines')],
        indices: [{ name: 'order_lines_order_idx', columnNames: ['order_id'] }],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'stock_items',
        columns: [
          { ...column.sku, isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'available', type: 'integer' },
        ],
        checks: [{ name: 'stock_items_available_check', expression: 'available >= 0' }],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'reservations',
        columns: [
          column.serial,
          column.orderId,
          column.sku,
          { name: 'quantity', type: 'integer' },
          column.status,
          column.createdAt,
          { name: 'released_at', type: time, isNullable: true },
        ],
        foreignKeys: [
          ofOrder('reservations'),
          { name: 'reservations_sku_fk', columnNames: ['sku'], referencedTableName: 'stock_items', referencedColumnNames: ['sku'] },
        ],
        indices: [{ name: 'reservations_order_idx', columnNames: ['order_id'] }],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'payments',
        columns: [
          column.id,
          column.orderId,
          { name: 'amount_cents', type: 'integer' },
          column.status,
          { name: 'charge_id', type: 'varchar', length: '64' },
          { name: 'captured_at', type: time },
          { name: 'refund_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'refunded_at', type: time, isNullable: true },
        ],
        foreignKeys: [ofOrder('payments')],
        // One payment per order, whatever a retried charge does.
        indices: [{ name: 'payments_order_idx', columnNames: ['order_id'], isUnique: true }],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'sent_emails',
        columns: [
          column.serial,
          { name: 'message_key', type: 'varchar', length: '128' },
          column.orderId,
          { name: 'recipient', type: 'varchar', length: '254' },
          { name: 'subject', type: 'varchar', length: '255' },
          { name: 'body', type: 'text' },
          { name: 'sent_at', type: time },
        ],
        foreignKeys: [ofOrder('sent_emails')],
        indices: [
          { name: 'sent_emails_message_idx', columnNames: ['message_key'], isUnique: true },
          { name: 'sent_emails_order_idx', columnNames: ['order_id'] },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['sent_emails', 'payments', 'reservations', 'stock_items', 'order_lines', 'orders']) {
      await queryRunner.dropTable(table, true);
    }
  }
}
