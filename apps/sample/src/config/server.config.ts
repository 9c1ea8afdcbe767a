import { type Env, readOptional, readPositiveInteger } from './env.js';

/** Where the HTTP server listens and who may use the admin API. */
export interface ServerConfig {
  /** `PORT`, default 3000. */
  port: number;
  /**
   * `HOST`. By default every interface when `ADMIN_TOKEN` protects the admin API, and only the
   * loopback interface when it does not, so an unprotected admin API is never reachable from
   * another machine by accident.
   */
  host: string;
  /** `ADMIN_TOKEN`: the bearer token the admin API requires; unset leaves it open to local callers. */
  adminToken: string | undefined;
}

/** Reads the server settings from the environment. */
export function loadServerConfig(env: Env = process.env): ServerConfig {
  const adminToken = readOptional(env, 'ADMIN_TOKEN');
  return {
    port: readPositiveInteger(env, 'PORT', 3000, 'a TCP port number'),
    host: readOptional(env, 'HOST') ?? (adminToken ? '0.0.0.0' : '127.0.0.1'),
    adminToken,
  };
}

/**
 * The server settings, read once when the application loads: the admin guard is part of the
 * module's static shape, decided before any provider exists.
 */
export const SERVER_CONFIG: ServerConfig = loadServerConfig();
