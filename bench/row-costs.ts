/**
 * What one job of a drain writes in PostgreSQL, per system: rows inserted, updated (HOT or not) and
 * deleted per table, from `pg_stat_user_tables`, and WAL bytes, from `pg_current_wal_lsn()`, around
 * a drain of 20,000 pre-enqueued jobs through the bench's own adapters (see PROFILE.md).
 *
 *   node bench/dist/bench/row-costs.js [system …]   (default: durex graphile-worker-batched)
 */
import pg from 'pg';
import type { JobPayload } from './adapter.js';
import { sleep } from './clock.js';
import { SYSTEM_NAMES, type SystemName, SYSTEMS } from './systems.js';

const JOBS = 20_000;
const BATCH = 1_000;
const PARALLELISM = 10;
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** PostgreSQL publishes a backend's table counters when its transaction ends, at most once a second. */
const STATS_DELAY_MS = 1_500;

type Counters = Map<string, { ins: number; upd: number; hot: number; del: number }>;

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

async function counters(url: string): Promise<Counters> {
  const rows = await query(url, 'SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del FROM pg_stat_user_tables');
  return new Map(
    rows.map((row) => [
      String(row.relname),
      { ins: Number(row.n_tup_ins), upd: Number(row.n_tup_upd), hot: Number(row.n_tup_hot_upd), del: Number(row.n_tup_del) },
    ]),
  );
}

async function measure(name: SystemName): Promise<void> {
  const database = `row_costs_${name.replace(/[^a-z0-9]/g, '_')}`;
  await query(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await query(ADMIN_URL, `CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const target = { postgresUrl: url.toString(), redis: { host: '127.0.0.1', port: 6379, db: 1 } };
  const producer = await SYSTEMS[name].create(target);
  const worker = await SYSTEMS[name].create(target);
  try {
    await producer.setup();
    for (let first = 0; first < JOBS; first += BATCH) {
      const jobs: JobPayload[] = Array.from({ length: BATCH }, (_, k) => ({ i: first + k, t: Date.now() }));
      await producer.enqueueMany(jobs);
    }
    await sleep(STATS_DELAY_MS);
    const before = await counters(target.postgresUrl);
    const [lsn] = await query(target.postgresUrl, 'SELECT pg_current_wal_lsn()::text AS lsn');
    let done = 0;
    await worker.startWorker(PARALLELISM, () => void (done += 1));
    while (done < JOBS) await sleep(5);
    await worker.stop();
    const [wal] = await query(target.postgresUrl, `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '${String(lsn!.lsn)}') AS bytes`);
    await sleep(STATS_DELAY_MS);
    const after = await counters(target.postgresUrl);
    console.log(`${name}: ${(Number(wal!.bytes) / JOBS).toFixed(0)} bytes of WAL per job`);
    for (const [table, now] of after) {
      const was = before.get(table) ?? { ins: 0, upd: 0, hot: 0, del: 0 };
      const per = (key: keyof typeof now) => ((now[key] - was[key]) / JOBS).toFixed(2);
      if (now.ins === was.ins && now.upd === was.upd && now.del === was.del) continue;
      console.log(`  ${table}: inserts ${per('ins')}, updates ${per('upd')} (HOT ${per('hot')}), deletes ${per('del')} per job`);
    }
  } finally {
    await worker.teardown();
    await producer.teardown();
    await query(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

const wanted = process.argv.slice(2);
const names = (wanted.length ? wanted : ['durex', 'graphile-worker-batched']) as SystemName[];
const unknown = names.find((name) => !SYSTEM_NAMES.includes(name) || SYSTEMS[name].store !== 'postgres');
if (unknown) {
  console.error(`row-costs: "${unknown}" is not a PostgreSQL system of the bench (${SYSTEM_NAMES.filter((n) => SYSTEMS[n].store === 'postgres').join(', ')})`);
  process.exit(2);
}
for (const name of names) await measure(name);
process.exit(0);
