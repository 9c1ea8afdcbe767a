import pg from 'pg';
import type { StorageNotification } from '../storage.interface.js';
import { quoteIdent } from './postgres.sql.js';

/**
 * Where the storage reports trouble it recovers from by itself (a lost LISTEN connection). Nest's
 * `Logger` and `console` both fit.
 *
 * @publicApi
 */
export interface DurexStorageLogger {
  warn(message: string): void;
  log?(message: string): void;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 10_000;

/**
 * LISTENs on the storage's channel through one dedicated connection (a pooled one would be handed
 * to other queries and lose the subscription). When the connection dies it reconnects with
 * exponential backoff, logging once per outage, and then tells subscribers to look for work,
 * since notifications sent in the meantime are lost.
 */
export class PostgresNotifier {
  private client: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly deliver: (notification: StorageNotification) => void,
    private readonly logger?: DurexStorageLogger,
  ) {}

  /** Connects and listens; rejects when the first connection fails. */
  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    // keepAlive: a silently dropped connection (a NAT or failover) is noticed instead of waiting forever.
    const client = new pg.Client({ ...this.config, keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.dispatch(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private lost(client: pg.Client, error?: Error): void {
    if (client !== this.client || this.closed) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.logger?.warn(`durex: the LISTEN connection was lost (${error?.message ?? 'closed by the server'}); reconnecting`);
    this.retry();
  }

  private retry(): void {
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().then(
        () => {
          if (this.closed) return;
          this.failures = 0;
          this.logger?.log?.('durex: the LISTEN connection is back');
          this.deliver({ type: 'ready' });
        },
        () => {
          if (!this.closed) this.retry();
        },
      );
    }, delay);
    // A reconnect timer must not keep a process alive that has nothing else to do.
    this.retryTimer.unref();
  }

  private dispatch(payload: string | undefined): void {
    const notification = parseNotification(payload);
    if (notification) this.deliver(notification);
  }
}

/** A payload sent by any durex process, or null for anything else on the channel. */
function parseNotification(payload: string | undefined): StorageNotification | null {
  let value: unknown;
  try {
    value = JSON.parse(payload ?? '');
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { type, names, ids } = value as { type?: unknown; names?: unknown; ids?: unknown };
  const strings = (list: unknown): list is string[] => Array.isArray(list) && list.every((item) => typeof item === 'string');
  if (type === 'ready') return strings(names) ? { type, names } : { type };
  if (type === 'cancelled' && strings(ids)) return { type, ids };
  return null;
}
