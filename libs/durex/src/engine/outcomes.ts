import { createEvent, EventType, type InstanceEvent } from '../core/event.js';
import type { Dependency } from '../core/fan-in.js';
import type { Instance } from '../core/instance.js';
import { Status } from '../core/status.js';
import type { InstancePatch, Transition, TransitionGuard } from '../storage/storage.interface.js';

/**
 * The state changes that end an attempt, as guarded transitions. Pure: they read the instance and
 * the time, and the caller writes them. Every one is guarded by "still STARTED under my lease", so a
 * run that was cancelled or reclaimed meanwhile changes nothing.
 */

const RELEASED: InstancePatch = { leaseOwner: null, leaseExpiresAt: null };

/** The guard of an attempt's own outcome. */
export function ownLease(owner: string): TransitionGuard {
  return { statuses: [Status.STARTED], leaseOwner: owner };
}

interface OutcomeInput {
  instance: Instance;
  guard: TransitionGuard;
  now: number;
  /** Events the handler recorded itself, saved before the outcome's own. */
  recorded: readonly InstanceEvent[];
  /** The handler's changes to `data`, when it made any. */
  data?: Instance['data'];
  children?: readonly Instance[];
  /** Fan-in edges among the children (`Result.spawnThen`). */
  dependencies?: readonly Dependency[];
}

function transition(input: OutcomeInput, patch: InstancePatch, events: InstanceEvent[]): Transition {
  const full: InstancePatch = { ...RELEASED, ...patch };
  if (input.data !== undefined) full.data = input.data;
  const written: Transition = {
    id: input.instance.id,
    guard: input.guard,
    patch: full,
    events: [...input.recorded, ...events],
    children: input.children ?? [],
  };
  if (input.dependencies?.length) written.dependencies = input.dependencies;
  return written;
}

export function completed(input: OutcomeInput, durationMs: number): Transition {
  const at = new Date(input.now);
  return transition(input, { status: Status.COMPLETED, completedAt: at, error: null }, [
    createEvent(EventType.COMPLETED, at, { attempt: input.instance.attempt, durationMs }),
  ]);
}

export function repeating(input: OutcomeInput, durationMs: number, next: Date): Transition {
  const at = new Date(input.now);
  const { instance } = input;
  return transition(
    input,
    // Each run of a repeating command gets the full retry budget again.
    { status: Status.REPEATING, readyAt: next, completedAt: at, error: null, retries: instance.maxRetries, attempt: 0 },
    [
      createEvent(EventType.COMPLETED, at, { attempt: instance.attempt, durationMs }),
      createEvent(EventType.REPEATING, at, { attempt: instance.attempt, message: `next run at ${next.toISOString()}` }),
    ],
  );
}

/** A retry after `delay`: spends one retry. `error` is absent for `Result.retry()`. */
export function retrying(input: OutcomeInput, delay: number, durationMs: number, error?: Error): Transition {
  const at = new Date(input.now);
  const { instance } = input;
  const retriesLeft = instance.retries - 1;
  const events: InstanceEvent[] = [];
  if (error) events.push(createEvent(EventType.FAILED, at, { attempt: instance.attempt, error: error.message, durationMs }));
  events.push(
    createEvent(EventType.RETRYING, at, {
      attempt: instance.attempt,
      message: `${error ? 'retry' : 'handler asked for a retry'}: ${retriesLeft} left after this one, next attempt in ${delay} ms`,
    }),
  );
  return transition(
    input,
    { status: Status.PENDING, retries: retriesLeft, readyAt: new Date(input.now + delay), error: error ? error.message : instance.error },
    events,
  );
}

/** Failed for good: FAILED, or DEAD_LETTER with the dead letter queue. */
export function failed(
  input: OutcomeInput,
  error: Error,
  durationMs: number | undefined,
  options: { deadLetter: boolean; recovered: boolean; recoverError?: Error },
): Transition {
  const at = new Date(input.now);
  const attempt = input.instance.attempt;
  const events = [createEvent(EventType.FAILED, at, { attempt, error: error.message, durationMs })];
  if (options.recovered) events.push(createEvent(EventType.RECOVERED, at, { attempt, message: 'Recover handler ran' }));
  if (options.recoverError) {
    events.push(createEvent(EventType.FAILED, at, { attempt, error: `Recover handler failed: ${options.recoverError.message}` }));
  }
  if (options.deadLetter) events.push(createEvent(EventType.RECOVERED, at, { attempt, message: 'moved to the dead letter queue' }));
  return transition(
    input,
    { status: options.deadLetter ? Status.DEAD_LETTER : Status.FAILED, completedAt: at, error: error.message },
    events,
  );
}

/** The deadline passed before the instance could start. The claim that found it does not count as an attempt. */
export function expired(input: OutcomeInput, handlerError?: Error): Transition {
  const at = new Date(input.now);
  const { instance } = input;
  const events = [createEvent(EventType.EXPIRED, at, { message: `deadline ${instance.deadlineAt?.toISOString()} passed before the instance could start` })];
  if (handlerError) events.push(createEvent(EventType.FAILED, at, { error: `Expired handler failed: ${handlerError.message}` }));
  return transition(
    input,
    // An instance that expired between retries keeps its last error: it says why it never finished.
    { status: Status.EXPIRED, completedAt: at, startedAt: null, attempt: Math.max(instance.attempt - 1, 0), error: handlerError?.message ?? instance.error },
    events,
  );
}

/** Back to PENDING without spending anything: shutdown interrupted it, or it was claimed beyond a limit. */
export function handedBack(input: OutcomeInput, why: string): Transition {
  const at = new Date(input.now);
  return transition(input, { status: Status.PENDING, readyAt: at, startedAt: null, attempt: Math.max(input.instance.attempt - 1, 0) }, [
    createEvent(EventType.RETRYING, at, { attempt: input.instance.attempt, message: `handed back unfinished: ${why}` }),
  ]);
}
