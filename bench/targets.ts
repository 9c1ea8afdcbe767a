import { Redis } from 'ioredis';
import pg from 'pg';
import type { Target } from './adapter.js';
import type { BenchConfig } from './config.js';
import type { SystemInfo } from './systems.js';

export interface Provisioned {
  target: Target;
  /** Drops the database or flushes the Redis db. */
  release(): Promise<void>;
}

/**
 * Gives one run of one system a clean place: a new PostgreSQL database, or the bench's Redis db
 * flushed. A CHECKPOINT first (not in smoke runs), so the previous run's dirty pages are not
 * written during this one.
 */
export async function provision(config: BenchConfig, system: SystemInfo, runId: string): Promise<Provisioned> {
  const redis = config.redis;
  if (system.store === 'redis') {
    await flushRedis(config);
    return { target: { postgresUrl: '', redis }, release: () => flushRedis(config) };
  }
  const database = `bench_${system.name.replace(/[^a-z0-9]/g, '_')}_${runId}`;
  await admin(config, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${database}`);
    if (!config.smoke) await client.query('CHECKPOINT');
  });
  const url = new URL(config.postgresAdminUrl);
  url.pathname = `/${database}`;
  return {
    target: { postgresUrl: url.toString(), redis },
    release: () => admin(config, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)),
  };
}

async function admin(config: BenchConfig, fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: config.postgresAdminUrl });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

async function flushRedis(config: BenchConfig): Promise<void> {
  const redis = new Redis(config.redis);
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
