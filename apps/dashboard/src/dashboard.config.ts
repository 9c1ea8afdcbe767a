import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Environment variables as the dashboard reads them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Who may open the dashboard, when it asks at all. */
export interface Credentials {
  user: string;
  password: string;
}

/** Everything the standalone dashboard is configured with, from the environment. */
export interface DashboardConfig {
  /** `PORT`, default 3001 (the sample service takes 3000). */
  port: number;
  /**
   * `HOST`. By default every interface when a password protects the dashboard, and only the
   * loopback interface when nothing does, so an open dashboard is never reachable from another
   * machine by accident.
   */
  host: string;
  /**
   * PostgreSQL when `DATABASE_URL` is set (in the schema `DUREX_SCHEMA`, when the services use one),
   * else the SQLite file `DUREX_DB` (default ./durex.db), which must exist.
   */
  storage: { type: 'postgres'; url: string; schema?: string } | { type: 'sqlite'; database: string };
  /** `DUREX_DASHBOARD_PASSWORD` (and `DUREX_DASHBOARD_USER`, default `admin`): HTTP Basic authentication. */
  credentials: Credentials | undefined;
  /** `DUREX_DASHBOARD_TITLE`, the name in the page's header, default `durex`. */
  title: string;
}

/**
 * Reads the configuration; a malformed value, or a SQLite file that is not there, stops the dashboard
 * at startup, naming the variable. `exists` tells whether a file exists.
 */
export function loadDashboardConfig(env: Env = process.env, exists: (path: string) => boolean = existsSync): DashboardConfig {
  const text = (name: string) => env[name]?.trim() || undefined;
  const password = text('DUREX_DASHBOARD_PASSWORD');
  const url = text('DATABASE_URL');
  const schema = text('DUREX_SCHEMA');
  return {
    port: port(text('PORT')),
    host: text('HOST') ?? (password ? '0.0.0.0' : '127.0.0.1'),
    storage: url ? { type: 'postgres', url, ...(schema ? { schema } : {}) } : { type: 'sqlite', database: sqliteFile(text('DUREX_DB'), exists) },
    credentials: password ? { user: text('DUREX_DASHBOARD_USER') ?? 'admin', password } : undefined,
    title: text('DUREX_DASHBOARD_TITLE') ?? 'durex',
  };
}

/**
 * The SQLite database to open. A missing file is refused: opening it would create an empty database
 * and show an empty dashboard, when the operator most likely mistyped the path.
 */
function sqliteFile(raw: string | undefined, exists: (path: string) => boolean): string {
  const database = resolve(raw ?? 'durex.db');
  if (!exists(database)) {
    throw new Error(
      `No durex database at ${database} (${raw ? 'DUREX_DB' : 'the default when DUREX_DB is not set'}). The dashboard opens the database your services write and never creates one: set DUREX_DB to their SQLite file, or DATABASE_URL to their PostgreSQL.`,
    );
  }
  return database;
}

function port(raw: string | undefined): number {
  if (raw === undefined) return 3001;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new Error(`PORT must be a TCP port number (0 to 65535), got "${raw}"`);
  return value;
}
