import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { BenchConfig } from './config.js';
import { SYSTEMS } from './systems.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  postgres: string;
  redis: string;
  /** 1-minute load average when the bench started: above ~0.5 the numbers are not from a quiet machine. */
  loadAtStart: number;
  /** Installed version of each system's package (durex: its package version and commit). */
  versions: Record<string, string>;
  startedAt: string;
}

export async function describeMachine(config: BenchConfig, repoRoot: string): Promise<Machine> {
  const client = new pg.Client({ connectionString: config.postgresAdminUrl });
  await client.connect();
  const postgres = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  await client.end();
  const redisClient = new Redis(config.redis);
  const info = await redisClient.info('server');
  redisClient.disconnect();
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    postgres,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    loadAtStart: loadavg()[0]!,
    versions: versions(repoRoot),
    startedAt: new Date().toISOString(),
  };
}

function versions(repoRoot: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const system of Object.values(SYSTEMS)) {
    if (result[system.packageName]) continue;
    const path = system.name === 'durex' ? `${repoRoot}/libs/durex/package.json` : `${repoRoot}/node_modules/${system.packageName}/package.json`;
    const { version } = JSON.parse(readFileSync(path, 'utf8')) as { version: string };
    result[system.packageName] = system.name === 'durex' ? `${version} (${commit(repoRoot)})` : version;
  }
  const { version: ioredis } = JSON.parse(readFileSync(`${repoRoot}/node_modules/ioredis/package.json`, 'utf8')) as { version: string };
  result.ioredis = ioredis;
  return result;
}

function commit(repoRoot: string): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'libs/durex/src'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    return dirty ? `${sha} + uncommitted changes` : sha;
  } catch {
    return 'unknown commit';
  }
}
