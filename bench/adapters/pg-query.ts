import pg from 'pg';

/**
 * Runs one statement on its own short-lived connection. Only for setup, seeding and checks, which
 * happen outside the timed sections, so a fresh connection costs nothing that is measured.
 */
export async function queryOnce<R = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as R[];
  } finally {
    await client.end();
  }
}

/** `SELECT count(*)::int AS n …` in one call. */
export async function countOnce(url: string, text: string, values: unknown[] = []): Promise<number> {
  const [row] = await queryOnce<{ n: number }>(url, text, values);
  return row?.n ?? 0;
}
