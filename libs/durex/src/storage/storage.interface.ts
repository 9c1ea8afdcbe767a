import type { InstanceEvent } from '../core/event.js';
import type { Dependency, DependencyOutcome } from '../core/fan-in.js';
import type { Instance, InstanceState } from '../core/instance.js';
import type { Status } from '../core/status.js';

/**
 * A filter over instances (the reference's `Query`). Every field narrows the result; `tags` requires
 * all of the given tags.
 *
 * @publicApi
 */
export interface InstanceQuery {
  status?: Status | readonly Status[];
  name?: string;
  parentId?: string;
  correlationId?: string;
  traceId?: string;
  tags?: readonly string[];
  /** Ids starting with this text (the dashboard's id search). */
  idPrefix?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** Only instances whose `completedAt` is before this time. */
  completedBefore?: Date;
  limit?: number;
  offset?: number;
  /** @default 'createdAt' */
  orderBy?: InstanceOrder;
  /** @default false */
  orderDesc?: boolean;
}

/** The fields instances can be sorted by; ties are broken by id. @publicApi */
export type InstanceOrder = 'createdAt' | 'readyAt' | 'completedAt' | 'priority' | 'id';

/** What a worker asks storage for when it has free slots. @publicApi */
export interface ClaimRequest {
  /** Identifies the claiming process; stored as the lease owner. */
  owner: string;
  /** Most instances to claim. */
  limit: number;
  /** The lease's length; the owner renews it while the instance runs. */
  leaseMs: number;
  now: Date;
  /** Only instances of these command names (the ones this process handles). */
  names: readonly string[];
  /** At most this many of a name in this claim (per-process concurrency limits that are nearly full). */
  perNameLimits?: Readonly<Record<string, number>>;
  /**
   * Claim PENDING instances whose deadline has passed, whatever their `readyAt`, so they expire on
   * time even while every worker is busy.
   */
  overdueOnly?: boolean;
  /**
   * Limits counted over every process sharing the storage, checked and applied atomically with the
   * claim (see {@link ClaimLimits}). Ignored by overdue claims: expiry never waits for a slot.
   */
  limits?: ClaimLimits;
}

/** Most starts of a command name in any window of `per` milliseconds. @publicApi */
export interface RateWindow {
  max: number;
  per: number;
}

/**
 * Cluster-wide limits a claim respects. Running instances are the STARTED ones, whatever their
 * lease; a start is a claim (its `startedAt`).
 *
 * @publicApi
 */
export interface ClaimLimits {
  /** Most STARTED instances of each of these names. */
  concurrency?: Readonly<Record<string, number>>;
  /**
   * Most starts of each of these names in any window of `per` ms. Ready instances beyond it stay
   * PENDING with their `readyAt` moved to when the window has room again.
   */
  rate?: Readonly<Record<string, RateWindow>>;
  /** Most STARTED instances holding one `concurrencyKey`, whatever their names. @default 1 */
  keyLimit?: number;
}

/**
 * What a claim returns: the claimed instances, and `heldBack` when limits kept ready work out of it
 * (so asking again before a limited instance ends would find nothing).
 *
 * @publicApi
 */
export type ClaimedInstances = Instance[] & { heldBack?: boolean };

/**
 * The condition a transition is applied under. A transition whose guard no longer holds changes
 * nothing: a late writer (a cancelled or reclaimed run) cannot overwrite a newer state.
 *
 * @publicApi
 */
export interface TransitionGuard {
  /** The instance must be in one of these statuses. */
  statuses: readonly Status[];
  /** And, when given, leased by this owner. */
  leaseOwner?: string;
  /** And, when given, its lease must have expired before this time. */
  leaseExpiredBefore?: Date;
}

/** The fields a transition may change. @publicApi */
export type InstancePatch = Partial<
  Pick<
    InstanceState,
    | 'status'
    | 'data'
    | 'retries'
    | 'maxRetries'
    | 'attempt'
    | 'readyAt'
    | 'startedAt'
    | 'completedAt'
    | 'error'
    | 'metadata'
    | 'leaseOwner'
    | 'leaseExpiresAt'
  >
>;

/**
 * One guarded state change: the patch, the history events to append, and children to create, all
 * applied atomically and only if the guard holds.
 *
 * @publicApi
 */
export interface Transition {
  id: string;
  guard: TransitionGuard;
  patch: InstancePatch;
  events: readonly InstanceEvent[];
  /** Created with the transition, with their `history`. A child whose unique key is held by an active instance is skipped. */
  children?: readonly Instance[];
  /**
   * Fan-in edges among `children`: each waiter (created waiting, see `WAITING_READY_AT`) waits for
   * the children named as its dependencies. Written only for waiters that were created.
   */
  dependencies?: readonly Dependency[];
}

/** @publicApi */
export interface TransitionOutcome {
  /** False when the guard did not hold; nothing was written. */
  applied: boolean;
  /** Ids of children not created because their unique key was taken. */
  skippedChildren: string[];
}

/** Options for inserting instances. @publicApi */
export interface InsertOptions {
  /**
   * A transaction handle of the storage's kind (a TypeORM `EntityManager` for TypeORM storage): the
   * rows are written inside it, so they exist if and only if the caller commits.
   */
  transaction?: unknown;
  /**
   * Fan-in edges from inserted instances (created waiting) to existing ones, which must exist
   * (`CommandNotFoundError`). A dependency that has already ended counts at once; a waiter left
   * with none to wait for is inserted ready at its `createdAt`.
   */
  dependencies?: readonly Dependency[];
}

/**
 * Persistence of instances and their history (the reference's `Storage`). Implementations must be
 * safe for concurrent use by many executors, in one process or many.
 *
 * @publicApi
 */
export interface Storage {
  /** Creates or upgrades the schema. Idempotent. */
  migrate(): Promise<void>;
  /**
   * Inserts new instances, all or none, each with its `history` as its first events. Throws `DuplicateCommandError`
   * when a unique key is held by an active instance (or twice in the batch).
   */
  insert(instances: readonly Instance[], options?: InsertOptions): Promise<void>;
  /** One instance without its history, or null. */
  get(id: string): Promise<Instance | null>;
  /** The history of one instance, oldest first. */
  history(id: string): Promise<InstanceEvent[]>;
  /** Applies guarded transitions, each atomically; the outcomes are in the same order. */
  transition(transitions: readonly Transition[]): Promise<TransitionOutcome[]>;
  /**
   * The recorded outcomes of the dependencies of a waiting instance that have ended, in the order
   * they were listed. Fan-in bookkeeping is part of `insert` and `transition`: the transition that
   * makes an instance final records its outcome for each instance waiting for it and, when it was
   * the last one a waiter waited for, makes that waiter ready, atomically with its own change.
   */
  dependencyOutcomes(waiterId: string): Promise<DependencyOutcome[]>;
  /** Deletes instances, their history and their fan-in edges. Missing ids are ignored. Returns how many were deleted. */
  delete(ids: readonly string[]): Promise<number>;
  /** Deletes up to `limit` COMPLETED, FAILED, EXPIRED or CANCELLED instances that finished before `before`. */
  cleanup(before: Date, limit: number): Promise<number>;
  /** Resolves when the storage answers a trivial query. */
  ping(): Promise<void>;
  /** Releases what the storage opened. */
  close(): Promise<void>;
}

/** Filtering and counting (the reference's `QueryableStorage`). @publicApi */
export interface QueryableStorage {
  find(query: InstanceQuery): Promise<Instance[]>;
  count(query?: InstanceQuery): Promise<number>;
  /** Counts grouped by status or by name, over the instances matching `query`. */
  countBy(field: 'status' | 'name', query?: InstanceQuery): Promise<Record<string, number>>;
}

/** Safe claiming across processes (the reference's `LockingStorage`). @publicApi */
export interface LockingStorage {
  /**
   * Atomically moves up to `limit` ready PENDING or REPEATING instances (priority desc, readyAt asc) to
   * STARTED under a lease, incrementing `attempt` and appending a `started` event. No instance is ever
   * handed to two claims. With `limits`, no claim exceeds them, whichever process makes it.
   */
  claim(request: ClaimRequest): Promise<ClaimedInstances>;
  /** Extends the leases `owner` holds on `ids`; returns the ids still held (the others were cancelled or reclaimed). */
  renewLeases(owner: string, ids: readonly string[], until: Date): Promise<string[]>;
  /** STARTED instances whose lease expired before `now`: their process died. */
  findExpiredLeases(now: Date, limit: number): Promise<Instance[]>;
  /** When waiting instances of `names` next need the claim loop: the earliest `readyAt`, and the earliest PENDING deadline. */
  nextWakeAt(names: readonly string[]): Promise<WakeTimes>;
}

/**
 * What `nextWakeAt` answers. The two are apart because they need different work: a ready instance is
 * claimed, a passed deadline is expired by the overdue check. @publicApi
 */
export interface WakeTimes {
  /** The earliest `readyAt` of a PENDING or REPEATING instance; null when none waits. */
  readyAt: Date | null;
  /** The earliest `deadlineAt` of a PENDING instance (it expires once that time has passed); null when none has one. */
  deadlineAt: Date | null;
}

/** Atomic groups of operations (the reference's `TransactionalStorage`). @publicApi */
export interface TransactionalStorage {
  /** Runs `fn` in one transaction; its writes are committed if it resolves and rolled back if it throws. */
  transaction<R>(fn: (storage: DurexStorage) => Promise<R>): Promise<R>;
}

/** What the storage tells executors so they need not poll. @publicApi */
export type StorageNotification =
  | { type: 'ready'; names?: readonly string[] }
  | { type: 'cancelled'; ids: readonly string[] };

/** Storage that pushes notifications (memory in-process; PostgreSQL through LISTEN/NOTIFY). @publicApi */
export interface NotifyingStorage {
  subscribe(listener: (notification: StorageNotification) => void): () => void;
  /** Tells every subscriber, in every process, about a change this process made. */
  notify(notification: StorageNotification): Promise<void>;
}

/** Everything the executor needs from storage. @publicApi */
export type DurexStorage = Storage & QueryableStorage & LockingStorage & Partial<TransactionalStorage> & Partial<NotifyingStorage>;
