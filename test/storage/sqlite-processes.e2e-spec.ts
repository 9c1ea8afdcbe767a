import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTypeOrmStorage, Status, type TypeOrmStorage } from 'nestjs-durex';
import { afterEach, describe, expect, it } from 'vitest';
import { makeInstance } from '../support/instances.js';
import { sqliteFileIn } from '../support/storages.js';

const support = fileURLToPath(new URL('../support/', import.meta.url));

/** A child process running the claimer; resolves with what it claimed. */
function claimer(database: string, owner: string) {
  const child = spawn(process.execPath, ['--import', join(support, 'ts-loader/register.mjs'), join(support, 'sqlite-claimer.child.ts'), database, owner], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (output.startsWith('ready\n')) resolve();
    });
  });
  const claimed = new Promise<string[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`claimer ${owner} exited with ${code}`));
      else resolve(JSON.parse(output.slice('ready\n'.length)) as string[]);
    });
  });
  return { ready, claimed, go: () => child.stdin.end('go\n'), kill: () => child.kill() };
}

describe('SQLite storage shared by processes', () => {
  let directory: string | undefined;
  let storage: TypeOrmStorage | undefined;

  afterEach(async () => {
    await storage?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('never hands one row to two processes claiming from one file', async () => {
    directory = await mkdtemp(join(tmpdir(), 'durex-processes-'));
    const database = sqliteFileIn(directory);
    storage = await createTypeOrmStorage({ type: 'sqlite', database });
    await storage.migrate();
    const rows = Array.from({ length: 1500 }, (_, n) => makeInstance({ id: `row-${String(n).padStart(4, '0')}`, priority: n % 3 }));
    await storage.insert(rows);

    const claimers = ['p1', 'p2', 'p3', 'p4'].map((owner) => ({ owner, ...claimer(database, owner) }));
    try {
      await Promise.all(claimers.map((c) => c.ready));
      for (const c of claimers) c.go();
      const results = await Promise.all(claimers.map((c) => c.claimed));

      const owners = new Map<string, string>();
      results.forEach((ids, n) => ids.forEach((id) => owners.set(id, owners.has(id) ? 'twice' : claimers[n]!.owner)));
      expect(results.flat()).toHaveLength(1500);
      expect(owners.size).toBe(1500);
      expect([...owners.values()]).not.toContain('twice');
      expect(results.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
      for (const row of await storage.find({})) {
        expect({ id: row.id, status: row.status, attempt: row.attempt, owner: row.leaseOwner }).toEqual({
          id: row.id,
          status: Status.STARTED,
          attempt: 1,
          owner: owners.get(row.id),
        });
      }
    } finally {
      for (const c of claimers) c.kill();
    }
  }, 60_000);
});
