import { CommandNotFoundError } from '../core/errors/command-not-found.error.js';
import { DuplicateCommandError } from '../core/errors/duplicate-command.error.js';
import { StorageClosedError } from '../core/errors/storage-closed.error.js';
import { createEvent, EventType, type InstanceEvent } from '../core/event.js';
import { type Dependency, type DependencyOutcome, type FinalStatus, isWaiting } from '../core/fan-in.js';
import { Instance, type InstanceState } from '../core/instance.js';
import { ACTIVE_STATUSES, CLEANABLE_STATUSES, RUNNABLE_STATUSES, Status, TERMINAL_STATUSES } from '../core/status.js';
import { dependencyIds, settleWaiters } from './fan-in-insert.js';
import { compareByQuery, compareForClaim, matchesQuery } from './instance-query.js';
import { LimitedPick } from './claim-limits.js';
import type {
  ClaimedInstances,
  ClaimRequest,
  DurexStorage,
  InsertOptions,
  InstanceQuery,
  NotifyingStorage,
  StorageNotification,
  Transition,
  TransitionOutcome,
  TransactionalStorage,
  WakeTimes,
} from './storage.interface.js';

/** A fan-in edge; `outcome` is recorded when the dependency ends. */
interface Edge {
  dependencyId: string;
  outcome: DependencyOutcome | null;
}

interface Snapshot {
  rows: Map<string, InstanceState>;
  events: Map<string, InstanceEvent[]>;
  activeKeys: Map<string, string>;
  edges: Map<string, Edge[]>;
}

/**
 * Storage in process memory: for unit tests and throwaway runs. It honours the whole storage
 * contract (guarded transitions, unique keys, leases, batch claims), so the engine behaves here as it
 * does on a database, but nothing survives the process.
 *
 * Transactions are atomic (a rollback restores the state from before the transaction) but not
 * isolated: other callers see uncommitted writes, and transactions run one at a time.
 *
 * @publicApi
 */
export class MemoryStorage implements DurexStorage, TransactionalStorage, NotifyingStorage {
  private rows = new Map<string, InstanceState>();
  private events = new Map<string, InstanceEvent[]>();
  /** unique key → id of the active instance holding it, as the databases' partial unique index. */
  private activeKeys = new Map<string, string>();
  /** waiter id → its edges, in the order its dependencies were listed. */
  private edges = new Map<string, Edge[]>();
  /** dependency id → ids of the waiters with an edge to it not yet resolved. */
  private waitersOf = new Map<string, Set<string>>();
  /** Recent start times of rate-limited names (epoch ms), pruned to their window at each claim. */
  private readonly starts = new Map<string, number[]>();
  private readonly listeners = new Set<(notification: StorageNotification) => void>();
  private transactionQueue: Promise<unknown> = Promise.resolve();
  private closed = false;

  async migrate(): Promise<void> {
    this.assertOpen();
  }

  async insert(input: readonly Instance[], options: InsertOptions = {}): Promise<void> {
    this.assertOpen();
    const dependencies = options.dependencies ?? [];
    const ended = new Set<string>();
    for (const id of dependencyIds(dependencies)) {
      const row = this.rows.get(id);
      if (!row) throw new CommandNotFoundError(id);
      if (TERMINAL_STATUSES.includes(row.status)) ended.add(id);
    }
    const instances = settleWaiters(input, dependencies, ended);
    const taken = new Set<string>();
    for (const instance of instances) {
      const key = instance.uniqueKey;
      if (key === null || !ACTIVE_STATUSES.includes(instance.status)) continue;
      const holder = this.activeHolder(key);
      if (holder || taken.has(key)) throw new DuplicateCommandError(key, holder);
      taken.add(key);
    }
    for (const instance of instances) {
      if (this.rows.has(instance.id)) throw new Error(`durex: instance ${instance.id} already exists`);
    }
    for (const instance of instances) this.write(instance);
    this.addEdges(dependencies);
    this.emit({ type: 'ready', names: [...new Set(instances.map((i) => i.name))] });
  }

  async get(id: string): Promise<Instance | null> {
    this.assertOpen();
    const row = this.rows.get(id);
    return row ? toInstance(row) : null;
  }

  async history(id: string): Promise<InstanceEvent[]> {
    this.assertOpen();
    return structuredClone(this.events.get(id) ?? []);
  }

  async transition(transitions: readonly Transition[]): Promise<TransitionOutcome[]> {
    this.assertOpen();
    const outcomes = transitions.map((t) => this.applyTransition(t));
    if (outcomes.some((o) => o.applied)) this.emit({ type: 'ready' });
    return outcomes;
  }

  async dependencyOutcomes(waiterId: string): Promise<DependencyOutcome[]> {
    this.assertOpen();
    return (this.edges.get(waiterId) ?? []).flatMap((edge) => (edge.outcome ? [structuredClone(edge.outcome)] : []));
  }

  async delete(ids: readonly string[]): Promise<number> {
    this.assertOpen();
    let deleted = 0;
    for (const id of ids) {
      const row = this.rows.get(id);
      if (!row) continue;
      if (row.uniqueKey !== null && this.activeKeys.get(row.uniqueKey) === id) this.activeKeys.delete(row.uniqueKey);
      this.rows.delete(id);
      this.events.delete(id);
      for (const edge of this.edges.get(id) ?? []) this.waitersOf.get(edge.dependencyId)?.delete(id);
      this.edges.delete(id);
      deleted += 1;
    }
    return deleted;
  }

  async cleanup(before: Date, limit: number): Promise<number> {
    const query: InstanceQuery = { status: CLEANABLE_STATUSES, completedBefore: before, limit, orderBy: 'completedAt' };
    const victims = (await this.find(query)).map((i) => i.id);
    return this.delete(victims);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }

  async find(query: InstanceQuery): Promise<Instance[]> {
    this.assertOpen();
    const offset = query.offset ?? 0;
    const rows = this.select(query).sort(compareByQuery(query));
    return rows.slice(offset, query.limit === undefined ? undefined : offset + query.limit).map(toInstance);
  }

  async count(query: InstanceQuery = {}): Promise<number> {
    this.assertOpen();
    return this.select(query).length;
  }

  async countBy(field: 'status' | 'name', query: InstanceQuery = {}): Promise<Record<string, number>> {
    this.assertOpen();
    const counts: Record<string, number> = {};
    for (const row of this.select(query)) counts[row[field]] = (counts[row[field]] ?? 0) + 1;
    return counts;
  }

  async claim(request: ClaimRequest): Promise<ClaimedInstances> {
    this.assertOpen();
    const now = request.now.getTime();
    const names = new Set(request.names);
    const candidates = [...this.rows.values()]
      .filter((row) =>
        names.has(row.name) &&
        (request.overdueOnly
          ? row.status === Status.PENDING && row.deadlineAt !== null && row.deadlineAt.getTime() < now
          : RUNNABLE_STATUSES.includes(row.status) && row.readyAt.getTime() <= now),
      )
      .sort(compareForClaim);
    if (request.limits && !request.overdueOnly) return this.claimLimited(request, candidates);
    const perName = new Map<string, number>();
    const claimed: Instance[] = [];
    for (const row of candidates) {
      if (claimed.length >= request.limit) break;
      const cap = request.perNameLimits?.[row.name];
      const taken = perName.get(row.name) ?? 0;
      if (cap !== undefined && taken >= cap) continue;
      perName.set(row.name, taken + 1);
      claimed.push(this.start(row, request));
    }
    return claimed;
  }

  /** A claim under cluster-wide limits: this process is the whole cluster, so counting the rows is exact. */
  private claimLimited(request: ClaimRequest, candidates: InstanceState[]): ClaimedInstances {
    const runningByName = new Map<string, number>();
    const runningByKey = new Map<string, number>();
    for (const row of this.rows.values()) {
      if (row.status !== Status.STARTED) continue;
      runningByName.set(row.name, (runningByName.get(row.name) ?? 0) + 1);
      if (row.concurrencyKey) runningByKey.set(row.concurrencyKey, (runningByKey.get(row.concurrencyKey) ?? 0) + 1);
    }
    const pick = new LimitedPick(request, { runningByName, runningByKey, startsByName: this.starts });
    const claimed: ClaimedInstances = [];
    for (const row of candidates) {
      if (pick.full) break;
      if (pick.take({ name: row.name, concurrencyKey: row.concurrencyKey ?? null })) claimed.push(this.start(row, request));
    }
    const now = request.now.getTime();
    for (const name of pick.rateNames()) {
      const window = request.limits!.rate![name]!;
      const starts = (this.starts.get(name) ?? []).filter((at) => at > now - window.per);
      for (const instance of claimed) if (instance.name === name) starts.push(now);
      this.starts.set(name, starts);
    }
    for (const hold of pick.holds()) {
      for (const row of this.rows.values()) {
        if (row.name === hold.name && RUNNABLE_STATUSES.includes(row.status) && row.readyAt.getTime() < hold.until) row.readyAt = new Date(hold.until);
      }
    }
    claimed.heldBack = pick.heldBack;
    return claimed;
  }

  /** Moves a ready row to STARTED under the claimer's lease. */
  private start(row: InstanceState, request: ClaimRequest): Instance {
    const now = request.now.getTime();
    row.status = Status.STARTED;
    row.attempt += 1;
    row.startedAt = new Date(now);
    row.completedAt = null;
    row.leaseOwner = request.owner;
    row.leaseExpiresAt = new Date(now + request.leaseMs);
    this.appendEvents(row.id, [createEvent(EventType.STARTED, new Date(now), { attempt: row.attempt })]);
    return toInstance(row);
  }

  async renewLeases(owner: string, ids: readonly string[], until: Date): Promise<string[]> {
    this.assertOpen();
    const renewed: string[] = [];
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row?.status !== Status.STARTED || row.leaseOwner !== owner) continue;
      row.leaseExpiresAt = new Date(until);
      renewed.push(id);
    }
    return renewed;
  }

  async findExpiredLeases(now: Date, limit: number): Promise<Instance[]> {
    this.assertOpen();
    return [...this.rows.values()]
      .filter((row) => row.status === Status.STARTED && row.leaseExpiresAt !== null && row.leaseExpiresAt < now)
      .sort((a, b) => a.leaseExpiresAt!.getTime() - b.leaseExpiresAt!.getTime())
      .slice(0, limit)
      .map(toInstance);
  }

  async nextWakeAt(names: readonly string[]): Promise<WakeTimes> {
    this.assertOpen();
    const wanted = new Set(names);
    let readyAt: Date | null = null;
    let deadlineAt: Date | null = null;
    for (const row of this.rows.values()) {
      if (!wanted.has(row.name) || !RUNNABLE_STATUSES.includes(row.status)) continue;
      if (!readyAt || row.readyAt < readyAt) readyAt = row.readyAt;
      if (row.status === Status.PENDING && row.deadlineAt && (!deadlineAt || row.deadlineAt < deadlineAt)) deadlineAt = row.deadlineAt;
    }
    return { readyAt: readyAt && new Date(readyAt), deadlineAt: deadlineAt && new Date(deadlineAt) };
  }

  async transaction<R>(fn: (storage: DurexStorage) => Promise<R>): Promise<R> {
    const run = this.transactionQueue.then(async () => {
      const snapshot: Snapshot = {
        rows: structuredClone(this.rows),
        events: structuredClone(this.events),
        activeKeys: new Map(this.activeKeys),
        edges: structuredClone(this.edges),
      };
      try {
        return await fn(this);
      } catch (error) {
        ({ rows: this.rows, events: this.events, activeKeys: this.activeKeys, edges: this.edges } = snapshot);
        this.indexEdges();
        throw error;
      }
    });
    this.transactionQueue = run.catch(() => undefined);
    return run;
  }

  subscribe(listener: (notification: StorageNotification) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async notify(notification: StorageNotification): Promise<void> {
    this.emit(notification);
  }

  private applyTransition(transition: Transition): TransitionOutcome {
    const row = this.rows.get(transition.id);
    const { guard, patch } = transition;
    const holds =
      row !== undefined &&
      guard.statuses.includes(row.status) &&
      (guard.leaseOwner === undefined || row.leaseOwner === guard.leaseOwner) &&
      (guard.leaseExpiredBefore === undefined || (row.leaseExpiresAt !== null && row.leaseExpiresAt < guard.leaseExpiredBefore));
    if (!holds) return { applied: false, skippedChildren: [] };
    const becomesActive = patch.status !== undefined && ACTIVE_STATUSES.includes(patch.status) && !ACTIVE_STATUSES.includes(row.status);
    if (becomesActive && row.uniqueKey !== null) {
      const holder = this.activeHolder(row.uniqueKey);
      if (holder) throw new DuplicateCommandError(row.uniqueKey, holder);
    }
    Object.assign(row, storedCopy(patch));
    this.indexKey(row);
    this.appendEvents(row.id, transition.events);
    if (TERMINAL_STATUSES.includes(row.status)) this.resolveDependents(row);
    const skippedChildren: string[] = [];
    for (const child of transition.children ?? []) {
      if (child.uniqueKey !== null && this.activeHolder(child.uniqueKey)) skippedChildren.push(child.id);
      else this.write(child);
    }
    this.addEdges((transition.dependencies ?? []).filter((d) => !skippedChildren.includes(d.waiterId) && !skippedChildren.includes(d.dependencyId)));
    return { applied: true, skippedChildren };
  }

  /** Adds fan-in edges; one to a dependency that has already ended is resolved at once. */
  private addEdges(dependencies: readonly Dependency[]): void {
    for (const { waiterId, dependencyId } of dependencies) {
      const dependency = this.rows.get(dependencyId)!;
      const ended = TERMINAL_STATUSES.includes(dependency.status);
      const edges = this.edges.get(waiterId) ?? [];
      edges.push({ dependencyId, outcome: ended ? outcomeOf(dependency) : null });
      this.edges.set(waiterId, edges);
      if (!ended) this.waitersOf.set(dependencyId, (this.waitersOf.get(dependencyId) ?? new Set()).add(waiterId));
    }
  }

  /**
   * Records a dependency's outcome for each instance waiting for it, and makes ready each waiter
   * for which it was the last: its `readyAt` becomes the latest `completedAt` of its dependencies.
   * Resolved edges are never resolved again, so a dependency replayed from the dead letter queue
   * cannot release its waiter twice.
   */
  private resolveDependents(row: InstanceState): void {
    const waiters = this.waitersOf.get(row.id);
    if (!waiters) return;
    this.waitersOf.delete(row.id);
    const outcome = outcomeOf(row);
    for (const waiterId of waiters) {
      const edges = this.edges.get(waiterId) ?? [];
      for (const edge of edges) if (edge.dependencyId === row.id && !edge.outcome) edge.outcome = structuredClone(outcome);
      const waiter = this.rows.get(waiterId);
      if (!waiter || !isWaiting(waiter) || edges.some((edge) => !edge.outcome)) continue;
      waiter.readyAt = new Date(Math.max(...edges.map((edge) => edge.outcome!.completedAt.getTime())));
    }
  }

  /** Rebuilds the index of unresolved edges (after a rollback restored the edges). */
  private indexEdges(): void {
    this.waitersOf = new Map();
    for (const [waiterId, edges] of this.edges) {
      for (const edge of edges) {
        if (!edge.outcome) this.waitersOf.set(edge.dependencyId, (this.waitersOf.get(edge.dependencyId) ?? new Set()).add(waiterId));
      }
    }
  }

  private activeHolder(uniqueKey: string): string | undefined {
    return this.activeKeys.get(uniqueKey);
  }

  private indexKey(row: InstanceState): void {
    if (row.uniqueKey === null) return;
    if (ACTIVE_STATUSES.includes(row.status)) this.activeKeys.set(row.uniqueKey, row.id);
    else if (this.activeKeys.get(row.uniqueKey) === row.id) this.activeKeys.delete(row.uniqueKey);
  }

  private write(instance: Instance): void {
    const row = storedCopy(instance.state());
    this.rows.set(instance.id, row);
    this.events.set(instance.id, storedCopy(instance.history));
    this.indexKey(row);
  }

  private appendEvents(id: string, events: readonly InstanceEvent[]): void {
    if (!events.length) return;
    const list = this.events.get(id) ?? [];
    list.push(...storedCopy(events));
    this.events.set(id, list);
  }

  private select(query: InstanceQuery): InstanceState[] {
    return [...this.rows.values()].filter((row) => matchesQuery(row, query));
  }

  private emit(notification: StorageNotification): void {
    for (const listener of this.listeners) listener(notification);
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageClosedError();
  }
}

function outcomeOf(row: InstanceState): DependencyOutcome {
  return {
    id: row.id,
    name: row.name,
    status: row.status as FinalStatus,
    data: structuredClone(row.data),
    error: row.error,
    completedAt: new Date(row.completedAt ?? Date.now()),
  };
}

function toInstance(row: InstanceState): Instance {
  return new Instance(structuredClone(row));
}

/** A copy as the databases store it: JSON writes -0 as 0, so memory keeps 0 too and agrees with them. */
function storedCopy<T>(value: T): T {
  const copy = structuredClone(value);
  zeroNegativeZeros(copy);
  return copy;
}

function zeroNegativeZeros(value: unknown): void {
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const item = object[key];
    // defineProperty, not assignment: a key named __proto__ would otherwise hit the setter.
    if (Object.is(item, -0)) Object.defineProperty(object, key, { value: 0 });
    else zeroNegativeZeros(item);
  }
}
