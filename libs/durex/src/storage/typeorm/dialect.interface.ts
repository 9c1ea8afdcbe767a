import type { EntityManager } from 'typeorm';
import type { InstanceEvent } from '../../core/event.js';
import type { Dependency, DependencyOutcome } from '../../core/fan-in.js';
import type { Instance } from '../../core/instance.js';
import type { ClaimedInstances, ClaimRequest, InstanceQuery, StorageNotification, Transition, TransitionOutcome, WakeTimes } from '../storage.interface.js';

/** Which instances a claim takes: ready ones, or PENDING ones whose deadline passed. */
export type ClaimKind = 'ready' | 'overdue';

/** What a batch of transitions did. */
export interface TransitionResult {
  outcomes: TransitionOutcome[];
  /** Names of the instances the batch made runnable (itself or as children), for in-process wake-ups. */
  readyNames: string[];
  /** The first transition that failed with an error; those before it were applied, those after it were not. */
  error?: unknown;
}

/**
 * The SQL of one database, bound to one connection scope: the pool (each call atomic on its own)
 * or one open transaction. One method per state transition, as graphile-worker's `src/sql/`.
 * Everything here is internal to the TypeORM storage, which adds the checks common to every
 * database (closed storage, duplicate keys within a batch, in-process notifications).
 */
export interface DurexDialect {
  /** True when writes announce new work themselves (PostgreSQL NOTIFY in the same statement). */
  readonly notifiesInSql: boolean;
  /** True inside a transaction opened by {@link DurexDialect.transaction}. */
  readonly inTransaction: boolean;
  /** Applies the durex migrations not yet applied, serialised against other processes. */
  migrate(): Promise<void>;
  /** Inserts instances, with the fan-in edges of those that wait (see `InsertOptions.dependencies`). */
  insert(instances: readonly Instance[], dependencies?: readonly Dependency[]): Promise<void>;
  /** Inserts inside the caller's transaction (a TypeORM EntityManager of the same database). */
  insertWithin(manager: EntityManager, instances: readonly Instance[], dependencies?: readonly Dependency[]): Promise<void>;
  dependencyOutcomes(waiterId: string): Promise<DependencyOutcome[]>;
  get(id: string): Promise<Instance | null>;
  history(id: string): Promise<InstanceEvent[]>;
  transition(transitions: readonly Transition[]): Promise<TransitionResult>;
  delete(ids: readonly string[]): Promise<number>;
  cleanup(before: Date, limit: number): Promise<number>;
  find(query: InstanceQuery): Promise<Instance[]>;
  count(query: InstanceQuery): Promise<number>;
  countBy(field: 'status' | 'name', query: InstanceQuery): Promise<Record<string, number>>;
  claim(request: ClaimRequest): Promise<ClaimedInstances>;
  renewLeases(owner: string, ids: readonly string[], until: Date): Promise<string[]>;
  findExpiredLeases(now: Date, limit: number): Promise<Instance[]>;
  nextWakeAt(names: readonly string[]): Promise<WakeTimes>;
  ping(): Promise<void>;
  /** Sends a notification to every process; false when the database cannot (SQLite: in-process only). */
  publish(notification: StorageNotification): Promise<boolean>;
  /** Runs `fn` in a transaction (a savepoint when already in one), with a dialect bound to it. */
  transaction<R>(fn: (dialect: DurexDialect) => Promise<R>): Promise<R>;
}
