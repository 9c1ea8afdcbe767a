import { createEvent, EventType, type InstanceEvent } from '../core/event.js';
import type { DependencyOutcome } from '../core/fan-in.js';
import type { Instance } from '../core/instance.js';
import { RUNNABLE_STATUSES, Status } from '../core/status.js';
import type {
  ClaimedInstances,
  ClaimRequest,
  DurexStorage,
  InsertOptions,
  InstanceQuery,
  StorageNotification,
  Transition,
  TransitionOutcome,
  WakeTimes,
} from './storage.interface.js';

/**
 * Observers of storage operations (the reference's `Hooks`): for logging, metrics and debugging.
 * Hooks run after the operation succeeded. A hook that throws does not undo the operation nor fail
 * it: its error goes to `onError` with the operation `hook:<name>` (for example `hook:afterCreate`),
 * and an `onError` that throws is ignored.
 *
 * @publicApi
 */
export interface StorageHooks {
  /** After an instance was stored: added, or created as the child of a transition (not a child skipped as a duplicate). */
  afterCreate?(instance: Instance): void;
  /**
   * After a state change was stored: a transition whose guard held, and each instance a claim moved to
   * STARTED (the reference's executor saves that move through `Update`, so its `AfterUpdate` sees it).
   * A claim is reported as the transition it amounts to: guarded by the statuses a claim takes from,
   * patched to STARTED with its attempt, start time and lease, with its STARTED event.
   */
  afterUpdate?(transition: Transition): void;
  /**
   * After an instance was deleted by `delete()` (a DLQ purge, say); only for ids that existed and were
   * deleted by this call. Retention's `cleanup()` deletes by age and learns only how many rows went,
   * so it does not call this hook.
   */
  afterDelete?(id: string): void;
  /** When a storage operation failed (it still throws to its caller), or a hook threw. */
  onError?(operation: string, error: unknown): void;
}

/**
 * Wraps a storage with {@link StorageHooks} (the reference's `HookedStorage`).
 *
 * @publicApi
 */
export class HookedStorage implements DurexStorage {
  readonly subscribe?: DurexStorage['subscribe'];
  readonly notify?: DurexStorage['notify'];
  readonly transaction?: DurexStorage['transaction'];

  constructor(
    private readonly inner: DurexStorage,
    private readonly hooks: StorageHooks,
  ) {
    if (inner.subscribe) this.subscribe = (listener: (n: StorageNotification) => void) => inner.subscribe!(listener);
    if (inner.notify) this.notify = (notification: StorageNotification) => this.observe('notify', () => inner.notify!(notification));
    if (inner.transaction) {
      this.transaction = <R>(fn: (storage: DurexStorage) => Promise<R>) =>
        this.observe('transaction', () => inner.transaction!((tx) => fn(new HookedStorage(tx, hooks))));
    }
  }

  migrate(): Promise<void> {
    return this.observe('migrate', () => this.inner.migrate());
  }

  async insert(instances: readonly Instance[], options?: InsertOptions): Promise<void> {
    await this.observe('insert', () => this.inner.insert(instances, options));
    for (const instance of instances) this.call('afterCreate', () => this.hooks.afterCreate?.(instance));
  }

  get(id: string): Promise<Instance | null> {
    return this.observe('get', () => this.inner.get(id));
  }

  history(id: string): Promise<InstanceEvent[]> {
    return this.observe('history', () => this.inner.history(id));
  }

  async transition(transitions: readonly Transition[]): Promise<TransitionOutcome[]> {
    const outcomes = await this.observe('transition', () => this.inner.transition(transitions));
    outcomes.forEach((outcome, index) => {
      if (!outcome.applied) return;
      const transition = transitions[index]!;
      this.call('afterUpdate', () => this.hooks.afterUpdate?.(transition));
      for (const child of transition.children ?? []) {
        if (!outcome.skippedChildren.includes(child.id)) this.call('afterCreate', () => this.hooks.afterCreate?.(child));
      }
    });
    return outcomes;
  }

  dependencyOutcomes(waiterId: string): Promise<DependencyOutcome[]> {
    return this.observe('dependencyOutcomes', () => this.inner.dependencyOutcomes(waiterId));
  }

  /**
   * With an `afterDelete` hook, deletes one id per call: the storage only counts what it deleted, and
   * this is how the hook learns exactly which ids those were. Without one, a single call.
   */
  async delete(ids: readonly string[]): Promise<number> {
    if (!this.hooks.afterDelete) return this.observe('delete', () => this.inner.delete(ids));
    let deleted = 0;
    for (const id of ids) {
      if (!(await this.observe('delete', () => this.inner.delete([id])))) continue;
      deleted += 1;
      this.call('afterDelete', () => this.hooks.afterDelete?.(id));
    }
    return deleted;
  }

  cleanup(before: Date, limit: number): Promise<number> {
    return this.observe('cleanup', () => this.inner.cleanup(before, limit));
  }

  ping(): Promise<void> {
    return this.observe('ping', () => this.inner.ping());
  }

  close(): Promise<void> {
    return this.observe('close', () => this.inner.close());
  }

  find(query: InstanceQuery): Promise<Instance[]> {
    return this.observe('find', () => this.inner.find(query));
  }

  count(query?: InstanceQuery): Promise<number> {
    return this.observe('count', () => this.inner.count(query));
  }

  countBy(field: 'status' | 'name', query?: InstanceQuery): Promise<Record<string, number>> {
    return this.observe('countBy', () => this.inner.countBy(field, query));
  }

  async claim(request: ClaimRequest): Promise<ClaimedInstances> {
    const claimed = await this.observe('claim', () => this.inner.claim(request));
    if (this.hooks.afterUpdate) for (const instance of claimed) this.call('afterUpdate', () => this.hooks.afterUpdate?.(claimTransition(instance, request)));
    return claimed;
  }

  renewLeases(owner: string, ids: readonly string[], until: Date): Promise<string[]> {
    return this.observe('renewLeases', () => this.inner.renewLeases(owner, ids, until));
  }

  findExpiredLeases(now: Date, limit: number): Promise<Instance[]> {
    return this.observe('findExpiredLeases', () => this.inner.findExpiredLeases(now, limit));
  }

  nextWakeAt(names: readonly string[]): Promise<WakeTimes> {
    return this.observe('nextWakeAt', () => this.inner.nextWakeAt(names));
  }

  private async observe<R>(operation: string, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (error) {
      this.report(operation, error);
      throw error;
    }
  }

  /** Observers must not break storage: what a hook throws is reported, never rethrown. */
  private call(name: keyof StorageHooks, hook: () => void): void {
    try {
      hook();
    } catch (error) {
      this.report(`hook:${name}`, error);
    }
  }

  private report(operation: string, error: unknown): void {
    try {
      this.hooks.onError?.(operation, error);
    } catch {
      // Nowhere left to report to: a throwing onError is ignored, so the operation's outcome stands.
    }
  }
}

/** The transition a claim amounts to for one instance it moved to STARTED. */
function claimTransition(instance: Instance, request: ClaimRequest): Transition {
  const startedAt = instance.startedAt ?? request.now;
  return {
    id: instance.id,
    guard: { statuses: request.overdueOnly ? [Status.PENDING] : RUNNABLE_STATUSES },
    patch: {
      status: Status.STARTED,
      attempt: instance.attempt,
      startedAt,
      completedAt: null,
      leaseOwner: instance.leaseOwner,
      leaseExpiresAt: instance.leaseExpiresAt,
    },
    events: [createEvent(EventType.STARTED, startedAt, { attempt: instance.attempt })],
  };
}
