import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Runs the application's database work in transactions.
 *
 * On SQLite a DataSource has a single connection. A TypeORM transaction holds it across `await`s, so
 * a statement another request issued meanwhile would run inside that transaction (and vanish if it
 * rolls back), and a second BEGIN would fail. Every read and write of the application therefore
 * goes through here, and on SQLite the transactions run one after the other. durex's own statements
 * wait for an open transaction by themselves. PostgreSQL gives each transaction a pooled connection,
 * so there they run concurrently.
 *
 * `work` must not call `run` again, nor a `DurexClient` method without `{ manager }`: on SQLite both
 * would wait for the transaction they are part of.
 */
@Injectable()
export class UnitOfWork {
  private readonly serialised: boolean;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {
    this.serialised = dataSource.options.type === 'better-sqlite3';
  }

  /** Runs `work` in a transaction: committed when it resolves, rolled back when it throws. */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialised) return this.dataSource.transaction(work);
    const result = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }
}
