import type PgBoss from 'pg-boss';
import type { PoolClient } from 'pg';

/** pg-boss enqueues in your transaction through a `db` adapter over your connection. */
export async function placeOrder(boss: PgBoss, client: PoolClient, orderId: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('INSERT INTO orders (id, status) VALUES ($1, $2)', [orderId, 'PLACED']);
    await boss.send('fulfil-order', { orderId }, { db: { executeSql: (text, values) => client.query(text, values) } });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
