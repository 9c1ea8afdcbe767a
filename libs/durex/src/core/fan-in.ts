import type { CommandData } from './json.js';
import { Status } from './status.js';

/**
 * The `readyAt` of an instance that waits for others to end (fan-in): a `Result.spawnThen`
 * continuation or an instance added with `dependsOn`. It is PENDING, so it holds its unique key,
 * can be cancelled and counts as queued, but no claim reaches a time this far ahead; the transition
 * that ends its last dependency sets `readyAt` to that dependency's `completedAt`.
 *
 * @publicApi
 */
export const WAITING_READY_AT: Date = new Date(Date.UTC(9999, 11, 31));

/**
 * True while an instance waits for its dependencies to end.
 *
 * @publicApi
 */
export function isWaiting(instance: { status: Status; readyAt: Date }): boolean {
  return instance.status === Status.PENDING && instance.readyAt.getTime() >= WAITING_READY_AT.getTime();
}

/** The final statuses a dependency can end in. @publicApi */
export type FinalStatus = typeof Status.COMPLETED | typeof Status.FAILED | typeof Status.EXPIRED | typeof Status.CANCELLED | typeof Status.DEAD_LETTER;

/**
 * How one dependency of a waiting instance ended, recorded by the transition that made it final:
 * a later replay from the dead letter queue does not change it.
 *
 * @publicApi
 */
export interface DependencyOutcome<T = CommandData> {
  id: string;
  name: string;
  status: FinalStatus;
  /** Its data as it ended, with whatever its handler set. */
  data: T;
  /** The error it failed with; null for a completed one. */
  error: string | null;
  completedAt: Date;
}

/** One fan-in edge: `waiterId` stays waiting until `dependencyId` has ended. @publicApi */
export interface Dependency {
  waiterId: string;
  dependencyId: string;
}
