import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { SpecFor, PayloadOf } from '../core/durex-commands.js';
import { CommandNotFoundError } from '../core/errors/command-not-found.error.js';
import { DuplicateCommandError } from '../core/errors/duplicate-command.error.js';
import { ExecutorStoppedError } from '../core/errors/executor-stopped.error.js';
import { InvalidSpecError } from '../core/errors/invalid-spec.error.js';
import { InvalidStateError } from '../core/errors/invalid-state.error.js';
import { createEvent, EventType, type InstanceEvent } from '../core/event.js';
import { type Dependency, type DependencyOutcome, isWaiting } from '../core/fan-in.js';
import type { Instance } from '../core/instance.js';
import type { CommandData } from '../core/json.js';
import { assertCommandName, type Spec } from '../core/spec.js';
import { ACTIVE_STATUSES, ALL_STATUSES, Status } from '../core/status.js';
import type { DurexStorage, InstanceQuery, RateWindow, Transition } from '../storage/storage.interface.js';
import { cleanupOnce, createCleanup } from './cleanup.js';
import type { ExecuteFn } from './command-context.js';
import { type ExecutorOptions, resolveExecutorOptions, type ResolvedExecutorOptions } from './executor-options.js';
import { type CommandDefinition, defineCommand, type HandleOptions, HandlerRegistry } from './handler-registry.js';
import { InstanceFactory } from './instance-factory.js';
import { createLeaseKeeper } from './lease-keeper.js';
import { type DurexEventListener, type DurexEventType, LifecycleEvents } from './lifecycle-events.js';
import { PeriodicTask } from './periodic-task.js';
import type { RateLimiter, RateLimitStats } from './rate-limiter.js';
import { Scheduler } from './scheduler.js';
import { createStuckRecovery } from './stuck-recovery.js';
import { TransitionWriter } from './transition-writer.js';
import { WorkerPool } from './worker-pool.js';
import {
  SCHEDULE_TAG,
  type ScheduleData,
  scheduleCommand,
  scheduleCommandName,
  scheduleData,
  type ScheduleInfo,
  scheduleKey,
  type ScheduleOptions,
} from './schedules.js';

/** Options of `add` and `addMany`. @publicApi */
export interface AddOptions {
  /**
   * Enqueue inside the caller's transaction (for TypeORM storage, an `EntityManager`): the instances
   * exist if and only if the caller commits.
   */
  transaction?: unknown;
}

/** A snapshot of the queue and this executor (the reference's `Stats`). @publicApi */
export interface ExecutorStats {
  /** Every status with its count, zeros included. */
  byStatus: Record<Status, number>;
  /** Instance counts per command name. */
  byName: Record<string, number>;
  pending: number;
  started: number;
  completed: number;
  failed: number;
  expired: number;
  cancelled: number;
  deadLetter: number;
  repeating: number;
  /** PENDING instances, ready or not. */
  queueSize: number;
  registeredCommands: number;
  /** Worker slots in this process (`parallelism`). */
  workerCount: number;
  /** Attempts executing in this process now. */
  running: number;
  /** This process's concurrency limiter (`rateLimits`, `globalRateLimit`): its limits and the slots held now. */
  rateLimit: RateLimitStats;
  /** The cluster-wide limits (`concurrency`, `rateLimit`, `concurrencyKeyLimit`) as this process applies them. */
  clusterLimits: ClusterLimitStats;
}

/** The cluster-wide limits of one command name, and how many of its slots are held now. @publicApi */
export interface CommandClusterLimitStats {
  /** Most instances STARTED at once across every process; null when the command has only a rate limit. */
  concurrency: number | null;
  /** Most starts in any window of `per` ms across every process; null when the command has only a concurrency limit. */
  rateLimit: RateWindow | null;
  /**
   * Instances of the command STARTED now, in every process sharing the storage: what `concurrency`
   * counts. The starts within the rate window are not counted here.
   */
  running: number;
}

/** The cluster-wide limits this executor claims under. @publicApi */
export interface ClusterLimitStats {
  /** Every command name with a cluster-wide limit: the executor's options override the command's own. */
  commands: Record<string, CommandClusterLimitStats>;
  /** Most instances holding one `concurrencyKey` STARTED at once, whatever their commands. */
  concurrencyKeyLimit: number;
}

const PAGE = 500;

/**
 * Runs commands: claims them from storage, executes them with retries, timeouts and deadlines, and
 * records every state change. Many executors, in one process or many, can share one storage.
 *
 * @publicApi
 */
export class Executor {
  /** The handlers this executor runs. */
  readonly registry = new HandlerRegistry();
  readonly options: ResolvedExecutorOptions;
  /** The lease owner id of this executor. */
  readonly workerId: string;
  private readonly factory: InstanceFactory;
  private readonly writer: TransitionWriter;
  private readonly pool: WorkerPool;
  private readonly scheduler: Scheduler;
  private readonly tasks: PeriodicTask[];
  private readonly events: LifecycleEvents;
  private unsubscribe: (() => void) | undefined;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  /** Names whose cluster-limited instances ended this turn, or 'all' when one had a concurrency key (see announceFreed). */
  private freed: Set<string> | 'all' | undefined;
  private announcing: NodeJS.Immediate | undefined;

  constructor(
    readonly storage: DurexStorage,
    options: ExecutorOptions = {},
  ) {
    this.options = resolveExecutorOptions(options);
    this.workerId = this.options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.factory = new InstanceFactory(this.registry, this.options);
    this.events = new LifecycleEvents(this.options.logger);
    this.writer = new TransitionWriter(storage, this.options.completionBatchDelay, () => this.scheduler.wake());
    this.pool = new WorkerPool(
      this.options,
      this.registry,
      this.factory,
      this.writer,
      this.workerId,
      () => this.scheduler.wake(),
      (instance) => this.onTerminal(instance),
      this.events,
      (id) => this.storage.dependencyOutcomes(id),
    );
    this.scheduler = new Scheduler(storage, this.options, this.registry, this.pool, this.workerId);
    for (const name of this.options.commands) this.registry.registerInternal(scheduleCommand(name, this.options.clock));
    const { stuckRecovery, cleanup, metrics, metricsInterval, logger } = this.options;
    this.tasks = [createLeaseKeeper(storage, this.options, this.pool, this.workerId)];
    if (stuckRecovery) this.tasks.push(createStuckRecovery(storage, this.options, stuckRecovery, this.pool, this.workerId));
    if (cleanup) this.tasks.push(createCleanup(storage, this.options, cleanup));
    this.tasks.push(
      // At start too: until it first runs, the gauge would read 0 whatever the backlog.
      new PeriodicTask('queue size metric', metricsInterval, async () => metrics.queueSize(await storage.count({ status: Status.PENDING })), logger, true),
    );
  }

  /** The concurrency limiter of this executor. */
  get rateLimiter(): RateLimiter {
    return this.options.rateLimiter;
  }

  /**
   * Listens to lifecycle events of the instances this executor enqueues and runs, once each change
   * is stored: `on('completed', ({ instance }) => …)`, or every event with '*'. Returns the function
   * that stops listening.
   */
  on(type: DurexEventType | '*', listener: DurexEventListener): () => void {
    return this.events.on(type, listener);
  }

  /** Registers a handler (the reference's `Register`). Throws if its name is taken. */
  register<T>(definition: CommandDefinition<T>): this {
    this.registry.register(definition);
    this.registry.registerInternal(scheduleCommand(definition.name, this.options.clock));
    this.scheduler.wake();
    return this;
  }

  /** Registers a function handler (the reference's `HandleFunc`). */
  handle<T = CommandData>(name: string, execute: ExecuteFn<T>, options?: HandleOptions<T>): this {
    return this.register(defineCommand(name, execute, options));
  }

  isRunning(): boolean {
    return this.state === 'running';
  }

  /** Starts claiming and running instances, and the background tasks. */
  async start(): Promise<void> {
    if (this.state === 'running') return;
    if (this.state !== 'idle') throw new ExecutorStoppedError();
    this.state = 'running';
    this.unsubscribe = this.storage.subscribe?.((notification) => {
      if (notification.type === 'ready') this.scheduler.wake();
      else for (const id of notification.ids) this.pool.abort(id, 'cancelled');
    });
    this.scheduler.start();
    for (const task of this.tasks) task.start();
    await Promise.all(this.options.permanentCommands.map((name) => this.ensurePermanent(name)));
    for (const name of this.registry.names()) {
      const { schedule } = this.registry.get(name)!;
      if (schedule) await this.schedule(name, schedule.cron, { name }, schedule);
    }
  }

  /**
   * Stops gracefully: no more claims, running attempts get `gracefulShutdown` ms to finish, then are
   * aborted through `ctx.signal` and handed back as PENDING (without spending a retry). Nothing this
   * executor claimed is left STARTED.
   */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    if (wasRunning) {
      await this.scheduler.stop();
      this.pool.handBackBuffered('the executor shut down');
      const maintenance = this.tasks.slice(1);
      await Promise.all(maintenance.map((task) => task.stop()));
      if (!(await this.pool.drain(this.options.gracefulShutdown))) {
        this.options.logger.warn(`durex: ${this.pool.size} attempts still running after ${this.options.gracefulShutdown} ms; aborting them`);
        await this.pool.abortAll();
      }
      await this.tasks[0]!.stop();
      this.unsubscribe?.();
    }
    await this.writer.flush();
    this.state = 'stopped';
  }

  /** Enqueues one command. */
  async add<N extends string>(spec: SpecFor<N>, options: AddOptions = {}): Promise<Instance<PayloadOf<N>>> {
    const [instance] = await this.addMany([spec], options);
    return instance as Instance<PayloadOf<N>>;
  }

  /** Enqueues several commands, all or none (one multi-row insert on databases). */
  async addMany<N extends string>(specs: readonly SpecFor<N>[], options: AddOptions = {}): Promise<Instance<PayloadOf<N>>[]> {
    this.assertAccepting();
    if (!Array.isArray(specs)) throw new InvalidSpecError('specs', 'must be an array');
    const instances: Instance[] = [];
    const dependencies: Dependency[] = [];
    for (const [index, spec] of specs.entries()) {
      const instance = await this.factory.fromSpec(spec as Spec, specs.length === 1 ? 'spec' : `specs[${index}]`);
      instances.push(instance);
      for (const dependencyId of new Set((spec as Spec).dependsOn)) dependencies.push({ waiterId: instance.id, dependencyId });
    }
    if (!instances.length) return [];
    await this.storage.insert(instances, {
      ...(options.transaction === undefined ? {} : { transaction: options.transaction }),
      ...(dependencies.length ? { dependencies } : {}),
    });
    // A waiter whose dependencies had all ended was stored ready: return it as stored.
    if (dependencies.length && options.transaction === undefined) {
      for (const instance of instances) {
        if (isWaiting(instance)) instance.readyAt = (await this.storage.get(instance.id))?.readyAt ?? instance.readyAt;
      }
    }
    this.scheduler.wake();
    const at = new Date(this.options.clock.now());
    if (this.events.wants('enqueued')) for (const instance of instances) this.events.emit({ type: 'enqueued', instance: instance.clone(), at });
    return instances as Instance<PayloadOf<N>>[];
  }

  /** One instance with its history. Throws `CommandNotFoundError`. */
  async get(id: string): Promise<Instance> {
    const instance = await this.storage.get(id);
    if (!instance) throw new CommandNotFoundError(id);
    instance.history = await this.storage.history(id);
    return instance;
  }

  /** The history of one instance, oldest first. Throws `CommandNotFoundError`. */
  async history(id: string): Promise<InstanceEvent[]> {
    const events = await this.storage.history(id);
    if (!events.length && !(await this.storage.get(id))) throw new CommandNotFoundError(id);
    return events;
  }

  find(query: InstanceQuery): Promise<Instance[]> {
    return this.storage.find(query);
  }

  /**
   * The recorded outcomes of the instances `id` waits or waited for (fan-in), those that have ended,
   * in the order they were listed. Throws `CommandNotFoundError` when `id` names no instance.
   */
  async outcomes<T = CommandData>(id: string): Promise<DependencyOutcome<T>[]> {
    const outcomes = await this.storage.dependencyOutcomes(id);
    if (!outcomes.length && !(await this.storage.get(id))) throw new CommandNotFoundError(id);
    return outcomes as DependencyOutcome<T>[];
  }

  count(query: InstanceQuery = {}): Promise<number> {
    return this.storage.count(query);
  }

  /**
   * Cancels an active instance. A running one has its `ctx.signal` aborted, in this process or
   * another, and whatever it returns later is discarded. Throws `CommandNotFoundError`, or
   * `InvalidStateError` when it already finished.
   */
  async cancel(id: string): Promise<void> {
    const instance = await this.storage.get(id);
    if (!instance) throw new CommandNotFoundError(id);
    if (!ACTIVE_STATUSES.includes(instance.status)) throw new InvalidStateError(id, instance.status, 'cancel');
    const cancelled = await this.cancelMany([instance]);
    if (!cancelled) {
      const now = await this.storage.get(id);
      throw new InvalidStateError(id, now?.status ?? instance.status, 'cancel');
    }
  }

  /** Cancels every active instance carrying the tag; returns how many. */
  async cancelByTag(tag: string): Promise<number> {
    if (typeof tag !== 'string' || !tag) throw new InvalidSpecError('tag', 'must be a non-empty string');
    let total = 0;
    for (;;) {
      const page = await this.storage.find({ status: ACTIVE_STATUSES, tags: [tag], limit: PAGE, orderBy: 'id' });
      total += await this.cancelMany(page);
      if (page.length < PAGE) return total;
    }
  }

  /** Counts by status and name, with this executor's live figures. */
  async stats(): Promise<ExecutorStats> {
    // The options may limit names this process does not handle: other processes on the storage do.
    const names = [...new Set([...this.registry.names(), ...Object.keys(this.options.concurrency), ...Object.keys(this.options.rateLimit)])].sort();
    const limits = this.registry.clusterLimits(names, this.options);
    const limited = names.filter((name) => limits.concurrency[name] !== undefined || limits.rate[name] !== undefined);
    const [counted, byName, startedByName] = await Promise.all([
      this.storage.countBy('status'),
      this.storage.countBy('name'),
      limited.length ? this.storage.countBy('name', { status: Status.STARTED }) : Promise.resolve<Record<string, number>>({}),
    ]);
    const clusterCommands = Object.fromEntries(
      limited.map((name) => [
        name,
        { concurrency: limits.concurrency[name] ?? null, rateLimit: limits.rate[name] ?? null, running: startedByName[name] ?? 0 },
      ]),
    );
    const byStatus = Object.fromEntries(ALL_STATUSES.map((status) => [status, counted[status] ?? 0])) as Record<Status, number>;
    this.options.metrics.queueSize(byStatus.PENDING);
    return {
      byStatus,
      byName,
      pending: byStatus.PENDING,
      started: byStatus.STARTED,
      completed: byStatus.COMPLETED,
      failed: byStatus.FAILED,
      expired: byStatus.EXPIRED,
      cancelled: byStatus.CANCELLED,
      deadLetter: byStatus.DEAD_LETTER,
      repeating: byStatus.REPEATING,
      queueSize: byStatus.PENDING,
      registeredCommands: this.registry.count(),
      workerCount: this.options.parallelism,
      running: this.pool.size,
      rateLimit: this.options.rateLimiter.stats(),
      clusterLimits: { commands: clusterCommands, concurrencyKeyLimit: this.options.concurrencyKeyLimit },
    };
  }

  /** Instances in the dead letter queue, most recently failed first. */
  findDeadLettered(query: Omit<InstanceQuery, 'status'> = {}): Promise<Instance[]> {
    return this.storage.find({ orderBy: 'completedAt', orderDesc: true, ...query, status: Status.DEAD_LETTER });
  }

  /**
   * Puts a dead-lettered instance back to PENDING with its full retry budget. Throws
   * `CommandNotFoundError`, or `InvalidStateError` when it is not dead-lettered.
   */
  async replayFromDLQ(id: string): Promise<void> {
    const instance = await this.storage.get(id);
    if (!instance) throw new CommandNotFoundError(id);
    const at = new Date(this.options.clock.now());
    const [outcome] = await this.storage.transition([
      {
        id,
        guard: { statuses: [Status.DEAD_LETTER] },
        patch: { status: Status.PENDING, retries: instance.maxRetries, readyAt: at, completedAt: null, error: null },
        events: [createEvent(EventType.RECOVERED, at, { message: `replayed from the dead letter queue with ${instance.maxRetries} retries` })],
      },
    ]);
    if (!outcome!.applied) throw new InvalidStateError(id, (await this.storage.get(id))?.status ?? instance.status, 'replay');
    this.scheduler.wake();
  }

  /** Deletes dead-lettered instances that failed more than `olderThanMs` ago; returns how many. */
  async purgeDLQ(olderThanMs: number): Promise<number> {
    if (typeof olderThanMs !== 'number' || !Number.isFinite(olderThanMs) || olderThanMs < 0) {
      throw new InvalidSpecError('olderThanMs', 'must be a number of milliseconds ≥ 0');
    }
    const completedBefore = new Date(this.options.clock.now() - olderThanMs);
    let total = 0;
    for (;;) {
      const page = await this.storage.find({ status: Status.DEAD_LETTER, completedBefore, limit: PAGE, orderBy: 'id' });
      total += await this.storage.delete(page.map((i) => i.id));
      if (page.length < PAGE) return total;
    }
  }

  /**
   * Runs `spec` on a cron schedule (croner syntax, 5 to 7 fields, optional seconds) in `timezone`.
   * Exactly one instance runs per tick however many processes share the storage, because the
   * schedule is carried by one instance under a unique key. Scheduling a name again with other
   * settings replaces the schedule; with the same settings it is a no-op.
   */
  async schedule(name: string, cron: string, spec: Spec, options: ScheduleOptions = {}): Promise<ScheduleInfo> {
    assertCommandName(name, 'schedule name');
    this.factory.validate(spec, 'spec');
    if (spec.dependsOn !== undefined) throw new InvalidSpecError('spec.dependsOn', 'cannot be scheduled: every tick would wait for the same instances');
    const data = scheduleData(name, cron, spec, options, new Date(this.options.clock.now()));
    // Twice at most: a duplicate means another process scheduled the name meanwhile, so look again.
    for (let attempt = 1; ; attempt++) {
      const existing = await this.findSchedule(name);
      if (existing && sameSchedule(existing.data as ScheduleData, data)) return toScheduleInfo(existing);
      if (existing) await this.cancelMany([existing]);
      try {
        const created = await this.add({
          name: scheduleCommandName(spec.name),
          data,
          uniqueKey: scheduleKey(name),
          tags: [SCHEDULE_TAG, scheduleKey(name)],
          delay: Math.max(0, Date.parse(data.tick) - this.options.clock.now()),
        } as SpecFor<string>);
        return toScheduleInfo(created);
      } catch (error) {
        if (!(error instanceof DuplicateCommandError) || attempt >= 2) throw error;
      }
    }
  }

  /** Removes a schedule; returns false when there was none. Instances it already spawned are left alone. */
  async unschedule(name: string): Promise<boolean> {
    return (await this.cancelByTag(scheduleKey(name))) > 0;
  }

  /** The active schedules, by name. */
  async schedules(): Promise<ScheduleInfo[]> {
    const instances = await this.storage.find({ tags: [SCHEDULE_TAG], status: ACTIVE_STATUSES, orderBy: 'id' });
    return instances.map(toScheduleInfo).sort((a, b) => a.name.localeCompare(b.name));
  }

  private async findSchedule(name: string): Promise<Instance | undefined> {
    const [found] = await this.storage.find({ status: ACTIVE_STATUSES, tags: [scheduleKey(name)], limit: 1 });
    return found;
  }

  /** Runs one cleanup pass now, whatever the schedule; returns how many instances were deleted. */
  cleanup(): Promise<number> {
    const settings = this.options.cleanup || { interval: 0, olderThan: 86_400_000, batchSize: 1_000 };
    return cleanupOnce(this.storage, this.options, settings);
  }

  private async cancelMany(instances: readonly Instance[]): Promise<number> {
    if (!instances.length) return 0;
    const at = new Date(this.options.clock.now());
    const transitions: Transition[] = instances.map((instance) => ({
      id: instance.id,
      guard: { statuses: ACTIVE_STATUSES },
      patch: { status: Status.CANCELLED, completedAt: at, leaseOwner: null, leaseExpiresAt: null },
      events: [createEvent(EventType.CANCELLED, at, { attempt: instance.attempt })],
    }));
    const outcomes = await this.storage.transition(transitions);
    const remote: string[] = [];
    let cancelled = 0;
    instances.forEach((instance, index) => {
      if (!outcomes[index]!.applied) return;
      cancelled += 1;
      const snapshot = instance.clone();
      Object.assign(snapshot, transitions[index]!.patch);
      this.events.emit({ type: 'cancelled', instance: snapshot, at });
      if (!this.pool.abort(instance.id, 'cancelled') && instance.status === Status.STARTED) remote.push(instance.id);
    });
    if (remote.length) await this.storage.notify?.({ type: 'cancelled', ids: remote });
    return cancelled;
  }

  private onTerminal(instance: Instance): void {
    this.announceFreed(instance);
    if (this.state !== 'running' || !this.options.permanentCommands.includes(instance.name)) return;
    // At least one poll interval apart, so a permanent command that fails at once cannot spin.
    const delay = Math.max(this.options.backoff.nextDelay(1), this.options.pollInterval);
    this.ensurePermanent(instance.name, delay).catch((error: unknown) =>
      this.options.logger.error(`durex: could not restart permanent command ${instance.name}: ${(error as Error).message}`),
    );
  }

  /**
   * Tells the other processes that an instance under a cluster-wide concurrency limit (of its name or
   * of its key) ended, so one whose claim the limit held back claims now rather than at its next
   * poll. A retried instance needs nothing: it is PENDING again, and that is announced anyway. The
   * ends of one turn of the event loop go out as one notification.
   */
  private announceFreed(instance: Instance): void {
    const keyed = instance.concurrencyKey !== null;
    const capped = this.options.concurrency[instance.name] ?? this.registry.get(instance.name)?.concurrency;
    if (!this.storage.notify || (!keyed && capped === undefined)) return;
    // Instances of any name may wait for a key; a name is all that waits for a name's limit.
    if (keyed) this.freed = 'all';
    else if (this.freed !== 'all') {
      this.freed ??= new Set();
      this.freed.add(instance.name);
    }
    this.announcing ??= setImmediate(() => {
      const freed = this.freed;
      this.freed = undefined;
      this.announcing = undefined;
      const names = freed === 'all' || freed === undefined ? undefined : [...freed];
      this.storage.notify!({ type: 'ready', ...(names ? { names } : {}) }).catch((error: unknown) =>
        this.options.logger.debug?.(`durex: could not announce a freed concurrency slot: ${(error as Error).message}`),
      );
    });
  }

  /** Makes sure one active instance of a permanent command exists; its unique key makes this safe across processes. */
  private async ensurePermanent(name: string, delay = 0): Promise<void> {
    try {
      await this.add({ name, uniqueKey: `durex:permanent:${name}`, delay } as SpecFor<string>);
    } catch (error) {
      if (!(error instanceof DuplicateCommandError)) throw error;
    }
  }

  private assertAccepting(): void {
    if (this.state === 'stopped') throw new ExecutorStoppedError();
  }
}

function sameSchedule(a: ScheduleData, b: ScheduleData): boolean {
  return a.cron === b.cron && a.timezone === b.timezone && a.catchUp === b.catchUp && a.grace === b.grace && JSON.stringify(a.spec) === JSON.stringify(b.spec);
}

function toScheduleInfo(instance: Instance): ScheduleInfo {
  const data = instance.data as ScheduleData;
  return { name: data.schedule, cron: data.cron, timezone: data.timezone, spec: data.spec, nextTick: new Date(data.tick), instanceId: instance.id };
}
