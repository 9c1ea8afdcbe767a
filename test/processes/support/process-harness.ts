import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTypeOrmStorage, type PostgresStorageOptions, type TypeOrmStorage } from 'nestjs-durex';
import { afterEach, expect } from 'vitest';
import { dropSchema, postgresSchemaFor, postgresUrl } from '../../support/storages.js';
import { type Child, type ChildScripts, forkChild, forkScript } from './child-processes.js';

/** A migrated PostgreSQL schema the test process and its children share. */
export interface SharedPostgres {
  /** The test process's own storage on the schema, for enqueuing and observing. */
  storage: TypeOrmStorage;
  schema: string;
  /** The options a child opens the same schema with. */
  forChild(poolSize?: number): PostgresStorageOptions;
  /** A statement on the test's connection, for what the storage API does not show (attempts, backends). */
  query<R>(sql: string, parameters?: unknown[]): Promise<R[]>;
}

/**
 * Per-test resources for multi-process tests, all released after each test even when it fails:
 * children are SIGKILLed first (they hold connections to the schema and files in the directories),
 * then the schema is dropped and the directories removed.
 */
export function useProcessTest() {
  const children: Child[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.kill()));
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function spawn<S extends keyof ChildScripts>(script: S, config: ChildScripts[S], label?: string): Child {
    const child = forkChild(script, config, label);
    children.push(child);
    return child;
  }

  /** Like `spawn`, for a child script kept elsewhere (see `forkScript`); killed after the test all the same. */
  function spawnScript(script: URL, config: unknown, label: string, nodeFlags?: readonly string[]): Child {
    const child = forkScript(script, config, label, nodeFlags);
    children.push(child);
    return child;
  }

  /**
   * A fresh schema of this test's own, migrated once here so children never race to migrate it; on
   * the run's PostgreSQL unless `url` names another server.
   */
  async function postgres(url = postgresUrl()): Promise<SharedPostgres> {
    const schema = postgresSchemaFor(expect.getState().currentTestName ?? 'process test');
    await dropSchema(url, schema);
    const storage = await createTypeOrmStorage({ type: 'postgres', url, schema, poolSize: 4 });
    cleanups.push(async () => {
      await storage.close();
      await dropSchema(url, schema);
    });
    await storage.migrate();
    return {
      storage,
      schema,
      forChild: (poolSize = 4) => ({ type: 'postgres', url, schema, poolSize }),
      query: <R>(sql: string, parameters: unknown[] = []) => storage.dataSource.query(sql, parameters) as Promise<R[]>,
    };
  }

  /** A temporary directory of this test's own (execution logs, SQLite files). */
  async function tempDir(): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), 'durex-processes-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    return directory;
  }

  /** The test process's own storage on a SQLite file (children create and migrate it). */
  async function sqlite(database: string): Promise<TypeOrmStorage> {
    const storage = await createTypeOrmStorage({ type: 'sqlite', database });
    cleanups.push(() => storage.close());
    return storage;
  }

  return { spawn, spawnScript, postgres, sqlite, tempDir };
}
