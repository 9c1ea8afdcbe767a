import type { InstanceEvent } from '../core/event.js';
import type { DependencyOutcome } from '../core/fan-in.js';
import type { Instance } from '../core/instance.js';
import type {
  ClaimedInstances,
  ClaimRequest,
  DurexStorage,
  InsertOptions,
  InstanceQuery,
  StorageNotification,
  Transition,
  TransitionOutcome,
} from './storage.interface.js';

/**
 * Observers of storage operations (the reference's `Hooks`): for logging, metrics and debugging.
 * Hooks run after the operation succeeded; a hook that throws does not undo it.
 *
 * @publicApi
 */
export interface StorageHooks {
  afterCreate?(instance: Instance): void;
  /** After a transition was applied (its guard held). */
  afterUpdate?(transition: Transition): void;
  afterDelete?(id: string): void;
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
    for (const instance of instances) this.call(() => this.hooks.afterCreate?.(instance));
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
      this.call(() => this.hooks.afterUpdate?.(transition));
      for (const child of transition.children ?? []) {
        if (!outcome.skippedChildren.includes(child.id)) this.call(() => this.hooks.afterCreate?.(child));
      }
    });
    return outcomes;
  }

  dependencyOutcomes(waiterId: string): Promise<DependencyOutcome[]> {
    return this.observe('dependencyOutcomes', () => this.inner.dependencyOutcomes(waiterId));
  }

  async delete(ids: readonly string[]): Promise<number> {
    const deleted = await this.observe('delete', () => this.inner.delete(ids));
    for (const id of ids) this.call(() => this.hooks.afterDelete?.(id));
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

  claim(request: ClaimRequest): Promise<ClaimedInstances> {
    return this.observe('claim', () => this.inner.claim(request));
  }

  renewLeases(owner: string, ids: readonly string[], until: Date): Promise<string[]> {
    return this.observe('renewLeases', () => this.inner.renewLeases(owner, ids, until));
  }

  findExpiredLeases(now: Date, limit: number): Promise<Instance[]> {
    return this.observe('findExpiredLeases', () => this.inner.findExpiredLeases(now, limit));
  }

  nextWakeAt(names: readonly string[]): Promise<Date | null> {
    return this.observe('nextWakeAt', () => this.inner.nextWakeAt(names));
  }

  private async observe<R>(operation: string, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (error) {
      this.call(() => this.hooks.onError?.(operation, error));
      throw error;
    }
  }

  private call(hook: () => void): void {
    try {
      hook();
    } catch {
      // Observers must not break storage: a failing hook is ignored by contract.
    }
  }
}
