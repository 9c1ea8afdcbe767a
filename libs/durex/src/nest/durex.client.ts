import { Injectable } from '@nestjs/common';
import type { PayloadOf, SpecFor } from '../core/durex-commands.js';
import type { InstanceEvent } from '../core/event.js';
import type { DependencyOutcome } from '../core/fan-in.js';
import type { Instance } from '../core/instance.js';
import type { CommandData } from '../core/json.js';
import { type AddOptions, Executor, type ExecutorStats } from '../engine/executor.js';
import type { ScheduleInfo, ScheduleOptions } from '../engine/schedules.js';
import type { Spec } from '../core/spec.js';
import type { InstanceQuery } from '../storage/storage.interface.js';
import type { EnqueueOptions } from './interfaces/enqueue-options.interface.js';

/**
 * Enqueues and inspects commands from anywhere in the application. Inject it like any service:
 *
 * ```ts
 * @Injectable()
 * export class SignupService {
 *   constructor(private readonly durex: DurexClient) {}
 *   signup(user: User) {
 *     return this.durex.add({ name: 'sendEmail', data: { to: user.email }, uniqueKey: `welcome:${user.id}` });
 *   }
 * }
 * ```
 *
 * Payloads are type-checked against the names declared in `DurexCommands`. Every method works in a
 * producer-only process too: one that runs no handlers and lists the names it enqueues in `commands`.
 *
 * @publicApi
 */
@Injectable()
export class DurexClient {
  constructor(private readonly executor: Executor) {}

  /**
   * Enqueues one command. Throws before anything is stored when the spec is malformed
   * (`InvalidSpecError`, including a payload its `@Command` DTO rejects), the name is unknown
   * (`UnknownCommandError`), or its unique key is held by an active instance (`DuplicateCommandError`).
   *
   * @param spec what to run; `data` is checked against `DurexCommands[name]` when declared
   * @param options `manager` enqueues inside the caller's TypeORM transaction
   * @returns the new instance, PENDING
   */
  add<N extends string>(spec: SpecFor<N>, options?: EnqueueOptions): Promise<Instance<PayloadOf<N>>> {
    return this.executor.add(spec, toAddOptions(options));
  }

  /**
   * Enqueues several commands, all or none.
   *
   * @param specs what to run, each checked as in {@link DurexClient.add}
   * @param options `manager` enqueues inside the caller's TypeORM transaction
   */
  addMany<N extends string>(specs: readonly SpecFor<N>[], options?: EnqueueOptions): Promise<Instance<PayloadOf<N>>[]> {
    return this.executor.addMany(specs, toAddOptions(options));
  }

  /** One instance with its history. Throws `CommandNotFoundError`. */
  get(id: string): Promise<Instance> {
    return this.executor.get(id);
  }

  /** The history of one instance, oldest first. Throws `CommandNotFoundError`. */
  history(id: string): Promise<InstanceEvent[]> {
    return this.executor.history(id);
  }

  /** How the instances `id` waits or waited for ended (fan-in: `Result.spawnThen` or `dependsOn`), in listed order. */
  outcomes<T = CommandData>(id: string): Promise<DependencyOutcome<T>[]> {
    return this.executor.outcomes<T>(id);
  }

  /** Instances matching a query (status, name, tags, correlation, paging…). */
  find(query: InstanceQuery): Promise<Instance[]> {
    return this.executor.find(query);
  }

  /** How many instances match a query. */
  count(query: InstanceQuery = {}): Promise<number> {
    return this.executor.count(query);
  }

  /**
   * Cancels an active instance; a running one has its `ctx.signal` aborted. Throws
   * `CommandNotFoundError`, or `InvalidStateError` when it already finished.
   */
  cancel(id: string): Promise<void> {
    return this.executor.cancel(id);
  }

  /** Cancels every active instance carrying the tag; returns how many. */
  cancelByTag(tag: string): Promise<number> {
    return this.executor.cancelByTag(tag);
  }

  /** Counts by status and by name, with this process's live figures. */
  stats(): Promise<ExecutorStats> {
    return this.executor.stats();
  }

  /** Dead-lettered instances, most recently failed first. */
  findDeadLettered(query: Omit<InstanceQuery, 'status'> = {}): Promise<Instance[]> {
    return this.executor.findDeadLettered(query);
  }

  /** Puts a dead-lettered instance back to PENDING with its full retry budget. */
  replayFromDLQ(id: string): Promise<void> {
    return this.executor.replayFromDLQ(id);
  }

  /**
   * Deletes dead-lettered instances that failed more than `olderThanMs` ago.
   *
   * @param olderThanMs age in milliseconds; 0 purges the whole dead letter queue
   * @returns how many were deleted
   */
  purgeDLQ(olderThanMs: number): Promise<number> {
    return this.executor.purgeDLQ(olderThanMs);
  }

  /**
   * Runs `spec` on a cron schedule, exactly one instance per tick across every process. Scheduling
   * a name again with other settings replaces it.
   *
   * @param name the schedule's name, unique in the storage
   * @param cron croner syntax: 5 fields, or 6 with seconds
   * @param spec what each tick enqueues
   * @param options `timezone`, the `missed` ticks policy and its `grace`
   */
  schedule<N extends string>(name: string, cron: string, spec: SpecFor<N>, options?: ScheduleOptions): Promise<ScheduleInfo> {
    return this.executor.schedule(name, cron, spec as Spec, options);
  }

  /** Removes a schedule; false when there was none. */
  unschedule(name: string): Promise<boolean> {
    return this.executor.unschedule(name);
  }

  /** The active schedules. */
  schedules(): Promise<ScheduleInfo[]> {
    return this.executor.schedules();
  }
}

function toAddOptions(options: EnqueueOptions | undefined): AddOptions {
  return options?.manager === undefined ? {} : { transaction: options.manager };
}
