import { afterAll, beforeAll } from 'vitest';
import { DedicatedPostgres } from './dedicated-postgres.js';

/**
 * A dedicated server for the tests of one file, started before them and deleted after them; the
 * returned function gives it to a test.
 */
export function useDedicatedPostgres(): () => DedicatedPostgres {
  let server: DedicatedPostgres | undefined;
  beforeAll(async () => {
    server = await DedicatedPostgres.start();
  }, 60_000);
  afterAll(async () => {
    await server?.dispose();
  });
  return () => {
    if (!server) throw new Error('useDedicatedPostgres: the server did not start');
    return server;
  };
}
