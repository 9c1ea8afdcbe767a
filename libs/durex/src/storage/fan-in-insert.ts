import { type Dependency, isWaiting } from '../core/fan-in.js';
import { Instance } from '../core/instance.js';

/**
 * The instances of an insert as they are to be stored, given which of their dependencies have
 * already ended: a waiter left with nothing to wait for is stored ready at its `createdAt`, so it
 * runs at once. Shared by every storage, so none decides this differently.
 */
export function settleWaiters(instances: readonly Instance[], dependencies: readonly Dependency[], ended: ReadonlySet<string>): readonly Instance[] {
  if (!dependencies.length) return instances;
  const inserted = new Set(instances.map((instance) => instance.id));
  const open = new Set<string>();
  for (const { waiterId, dependencyId } of dependencies) {
    if (!inserted.has(waiterId)) throw new Error(`durex: a dependency names waiter ${waiterId}, which is not among the instances inserted`);
    if (!ended.has(dependencyId)) open.add(waiterId);
  }
  return instances.map((instance) =>
    isWaiting(instance) && !open.has(instance.id) ? new Instance({ ...instance.state(), readyAt: instance.createdAt }, instance.history) : instance,
  );
}

/** The distinct ids the dependencies wait for. */
export function dependencyIds(dependencies: readonly Dependency[]): string[] {
  return [...new Set(dependencies.map((d) => d.dependencyId))];
}
