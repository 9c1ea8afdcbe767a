import { CommandAbortedError } from '../core/errors/command-aborted.error.js';
import { PermanentError } from '../core/errors/permanent.error.js';
import { ThrownValueError } from '../core/errors/thrown-value.error.js';
import type { Instance } from '../core/instance.js';
import type { Result } from '../core/result.js';
import { isTerminal, type Status } from '../core/status.js';
import type { Transition, TransitionGuard } from '../storage/storage.interface.js';
import { AttemptAbort, type HandlerEnvironment, runHandler, toResult } from './attempt.js';
import { assertJsonPayload } from '../core/json.js';
import type { ResolvedExecutorOptions } from './executor-options.js';
import type { CommandDefinition, HandlerRegistry } from './handler-registry.js';
import type { InstanceFactory } from './instance-factory.js';
import { composeMiddleware, type MiddlewareContext } from './middleware.js';
import type { LifecycleEvents, DurexEventType } from './lifecycle-events.js';
import * as outcome from './outcomes.js';
import type { TransitionWriter } from './transition-writer.js';

/** The event each outcome status is announced as. */
const EVENT_OF_STATUS: Record<Status, DurexEventType> = {
  PENDING: 'retrying',
  STARTED: 'started',
  COMPLETED: 'completed',
  FAILED: 'failed',
  DEAD_LETTER: 'deadLettered',
  EXPIRED: 'expired',
  REPEATING: 'repeating',
  CANCELLED: 'cancelled',
};

/** What an attempt's Result creates with its outcome. */
type Spawned = Awaited<ReturnType<InstanceFactory['spawned']>>;
const NOTHING_SPAWNED: Spawned = { children: [], dependencies: [] };

interface Running {
  instance: Instance;
  abort: AttemptAbort;
}

/** Called after an instance reached a final status in this process (with the instance as it ran; only its name is read). */
export type TerminalListener = (instance: Instance) => void;

/**
 * Runs claimed instances: at most `parallelism` at once, each through middleware, timeout and abort,
 * and writes each outcome as a guarded transition. It is also where failures are decided: retry with
 * backoff, or Recover then FAILED / DEAD_LETTER. Claimed instances beyond the free workers (the
 * `prefetch` buffer) wait here, in claim order, under their lease.
 */
export class WorkerPool {
  private readonly running = new Map<string, Running>();
  /** Claimed instances waiting for a worker, in claim order. */
  private readonly buffer = new Map<string, Instance>();
  /** Every attempt and expiry not yet fully recorded, slot held or not: what a drain waits for. */
  private readonly pending = new Set<Promise<void>>();
  /** Instances whose failure path (Recover) is running. */
  private readonly failing = new Set<string>();
  /** Outcome writes in flight, by instance id. */
  private readonly settling = new Map<string, Promise<boolean>>();

  constructor(
    private readonly options: ResolvedExecutorOptions,
    private readonly registry: HandlerRegistry,
    private readonly factory: InstanceFactory,
    private readonly writer: TransitionWriter,
    owner: string,
    private readonly onSettled: () => void,
    private readonly onTerminal: TerminalListener,
    private readonly events: LifecycleEvents,
    /** The recorded outcomes of what an instance waited for (`ctx.outcomes()`). */
    private readonly outcomesOf: HandlerEnvironment['outcomes'],
  ) {
    this.guard = outcome.ownLease(owner);
  }

  /** The guard of this process's own outcomes: one object, read-only, for every attempt. */
  private readonly guard: TransitionGuard;

  get size(): number {
    return this.running.size;
  }

  /** Claimed instances waiting for a worker. */
  get buffered(): number {
    return this.buffer.size;
  }

  /** How many more instances this pool can take: free workers plus free room in the prefetch buffer. */
  get capacity(): number {
    return this.options.parallelism + this.options.prefetch - this.running.size - this.buffer.size;
  }

  /** Outcomes queued for writing or being written. */
  get unwritten(): number {
    return this.writer.backlog;
  }

  /** Buffered instances of one command name. */
  bufferedOf(name: string): number {
    let count = 0;
    for (const instance of this.buffer.values()) if (instance.name === name) count += 1;
    return count;
  }

  /** Every instance whose lease this process must keep: running, buffered, or with its outcome not yet written. */
  heldIds(): string[] {
    return [...new Set([...this.running.keys(), ...this.buffer.keys(), ...this.settling.keys(), ...this.failing])];
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Takes claimed instances: free workers start on them now, the rest wait in the buffer. */
  accept(instances: readonly Instance[]): void {
    for (const instance of instances) this.buffer.set(instance.id, instance);
    this.pump();
  }

  /**
   * Hands every buffered instance back as PENDING, without spending an attempt (shutdown): they
   * were claimed but never started. `drain` waits for the writes.
   */
  handBackBuffered(why: string): void {
    const guard = this.guard;
    for (const instance of this.buffer.values()) {
      const write = this.writer.write(outcome.handedBack({ instance, guard, now: this.options.clock.now(), recorded: [] }, why));
      this.track(write, instance, 'hand back');
    }
    this.buffer.clear();
  }

  /** Expires buffered instances whose deadline passed, as the scheduler does for queued ones. */
  expireBuffered(now: number): void {
    for (const instance of this.buffer.values()) {
      if (!instance.isOverdue(now)) continue;
      this.buffer.delete(instance.id);
      this.expire(instance);
    }
  }

  /** Starts buffered instances while workers are free. */
  private pump(): void {
    while (this.running.size < this.options.parallelism && this.buffer.size) {
      const next = this.buffer.values().next().value as Instance;
      this.buffer.delete(next.id);
      this.launch(next);
    }
  }

  /** Starts executing a claimed instance without waiting for it. */
  private launch(instance: Instance): void {
    const abort = new AttemptAbort();
    this.running.set(instance.id, { instance, abort });
    this.track(this.execute(instance, abort), instance, 'record the outcome of', () => this.free(instance.id));
  }

  /** Runs an instance whose deadline passed, outside the parallelism limit: expiry must not wait for a free worker. */
  expire(instance: Instance): void {
    this.track(this.runExpired(instance, this.registry.get(instance.name)), instance, 'expire');
  }

  /** Waits for work in `pending` (what a drain waits for), logs its failure, then calls `after`. */
  private track(work: Promise<unknown>, instance: Instance, what: string, after?: () => void): Promise<void> {
    const done: Promise<void> = work.then(
      () => {
        this.pending.delete(done);
        after?.();
      },
      (error: unknown) => {
        this.options.logger.error(`durex: could not ${what} ${describe(instance)}: ${errorMessage(error)}`);
        this.pending.delete(done);
        after?.();
      },
    );
    this.pending.add(done);
    return done;
  }

  /**
   * Gives an attempt's worker slot back. Called as soon as its outcome is queued for writing, not
   * when the write returns, so the next claim overlaps the batched write instead of waiting for it.
   */
  private free(id: string): void {
    if (!this.running.delete(id)) return;
    this.pump();
    this.onSettled();
  }

  /**
   * Aborts a running attempt; its outcome is then discarded (cancel, lost lease) or handed back
   * (shutdown). A buffered instance that was cancelled or lost its lease is simply dropped.
   */
  abort(id: string, why: CommandAbortedError['why']): boolean {
    if (why !== 'shutdown' && this.buffer.delete(id)) return true;
    const running = this.running.get(id);
    if (!running) return false;
    running.abort.abort(new CommandAbortedError(why));
    return true;
  }

  /** Waits for running attempts, at most `ms`; returns true when none is left. */
  async drain(ms: number): Promise<boolean> {
    if (!this.pending.size) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const all = Promise.allSettled([...this.pending]).then(() => true);
    const drained = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return drained && !this.pending.size;
  }

  /** Aborts everything still running for shutdown and waits until each has been handed back. */
  async abortAll(): Promise<void> {
    for (const id of this.running.keys()) this.abort(id, 'shutdown');
    await Promise.allSettled([...this.pending]);
  }

  /**
   * Fails an instance for good, or retries it, as after a failed attempt. Used for attempts run here
   * and for instances reclaimed from a dead process.
   */
  async fail(instance: Instance, error: Error, guard: TransitionGuard, durationMs?: number): Promise<boolean> {
    // Held while Recover runs, so a slow Recover of a reclaimed instance keeps its lease renewed.
    this.failing.add(instance.id);
    try {
      return await this.failHeld(instance, error, guard, durationMs);
    } finally {
      this.failing.delete(instance.id);
    }
  }

  private async failHeld(instance: Instance, error: Error, guard: TransitionGuard, durationMs?: number): Promise<boolean> {
    const now = this.options.clock.now();
    const { recorded, data } = changesOf(instance);
    this.options.metrics.commandFailed(instance.name, error);
    this.report(instance, error);
    if (!(error instanceof PermanentError) && instance.retries > 0) {
      const delay = this.retryDelay(instance);
      this.options.metrics.commandRetried(instance.name, instance.attempt);
      return this.settle(instance, outcome.retrying({ instance, guard, now, recorded, data }, delay, durationMs ?? 0, error), { error, durationMs });
    }
    const handler = this.registry.get(instance.name);
    let spawned: Spawned = NOTHING_SPAWNED;
    let recoverError: Error | undefined;
    if (handler?.recover) {
      try {
        const result = await runHandler(instance, new AttemptAbort(), this.environment(instance, guard), (ctx) =>
          handler.recover!(instance, error, ctx),
        );
        spawned = await this.factory.spawned(result, instance);
      } catch (thrown) {
        recoverError = ThrownValueError.from(thrown);
        this.options.logger.error(`durex: Recover handler of ${describe(instance)} failed: ${recoverError.message}`);
      }
    }
    const transition = outcome.failed({ instance, guard, now: this.options.clock.now(), recorded, data, ...spawned }, error, durationMs, {
      deadLetter: this.options.deadLetterQueue,
      recovered: handler?.recover !== undefined && recoverError === undefined,
      recoverError,
    });
    return this.settle(instance, transition, { error, durationMs });
  }

  private async execute(instance: Instance, abort: AttemptAbort): Promise<void> {
    const handler = this.registry.get(instance.name);
    const guard = this.guard;
    if (!handler) {
      // Claims only ask for handled names, so this means the handler was unregistered meanwhile.
      await this.writer.write(outcome.handedBack({ instance, guard, now: this.options.clock.now(), recorded: [] }, 'no handler in this process'));
      return;
    }
    if (instance.isOverdue(this.options.clock.now())) return this.runExpired(instance, handler);
    const release = this.options.rateLimiter.tryAcquire(instance.name);
    if (!release) {
      await this.writer.write(outcome.handedBack({ instance, guard, now: this.options.clock.now(), recorded: [] }, 'concurrency limit reached'));
      return;
    }
    const started = this.options.clock.now();
    this.options.metrics.commandStarted(instance.name);
    if (this.events.wants('started')) {
      const startedEvent = { type: 'started', instance: instance.clone(), at: new Date(started) } as const;
      const previous = this.settling.get(instance.id);
      if (previous) void previous.then(() => this.events.emit(startedEvent), () => this.events.emit(startedEvent));
      else this.events.emit(startedEvent);
    }
    let result: Result | undefined;
    let failure: Error | undefined;
    try {
      const middleware = this.options.middleware;
      result = await runHandler(instance, abort, this.environment(instance, guard), (ctx) =>
        middleware.length
          ? composeMiddleware(middleware, middlewareContext(instance, handler, abort), async () => toResult(instance.name, await handler.execute(instance, ctx)))()
          : handler.execute(instance, ctx),
      );
    } catch (error) {
      failure = error as Error;
    } finally {
      release();
    }
    const durationMs = this.options.clock.now() - started;
    const reason: unknown = abort.reason;
    if (abort.aborted && reason instanceof CommandAbortedError) {
      if (reason.why === 'shutdown') {
        const { recorded, data } = changesOf(instance);
        await this.writer.write(outcome.handedBack({ instance, guard, now: this.options.clock.now(), recorded, data }, 'the executor shut down'));
      }
      // Cancelled or reclaimed: the instance is no longer ours, and whatever the handler did is discarded.
      return;
    }
    if (result && !failure) {
      let spawned: Spawned | undefined;
      try {
        spawned = result.commands.length || result.then ? await this.factory.spawned(result, instance) : NOTHING_SPAWNED;
      } catch (error) {
        // Invalid children (unknown name, bad spec) make the attempt fail: nothing of it is written.
        failure = ThrownValueError.from(error);
      }
      // A storage error while writing the outcome is not the handler's failure: it propagates, the
      // instance stays STARTED, and its lease expiry brings it back.
      if (spawned) return this.succeed(instance, handler, result, spawned, guard, durationMs);
    }
    await this.fail(instance, failure!, guard, durationMs);
  }

  private async succeed(
    instance: Instance,
    handler: CommandDefinition,
    result: Result,
    spawned: Spawned,
    guard: TransitionGuard,
    durationMs: number,
  ): Promise<void> {
    const { recorded, data } = changesOf(instance);
    const input = { instance, guard, now: this.options.clock.now(), recorded, data, ...spawned };
    let transition: Transition;
    if (result.retry && instance.retries > 0) {
      this.options.metrics.commandRetried(instance.name, instance.attempt);
      transition = outcome.retrying(input, this.retryDelay(instance), durationMs);
    } else if (result.repeat) {
      this.options.metrics.commandCompleted(instance.name, durationMs);
      const period = instance.period || handler.defaults?.period || this.options.defaultRepeatInterval;
      transition = outcome.repeating(input, durationMs, result.repeatAt ?? new Date(input.now + period));
    } else {
      this.options.metrics.commandCompleted(instance.name, durationMs);
      transition = outcome.completed(input, durationMs);
    }
    if (!(await this.settle(instance, transition, { durationMs }))) {
      this.options.logger.debug?.(`durex: ${describe(instance)} was cancelled or reclaimed while it ran; its result was discarded`);
    }
  }

  private async runExpired(instance: Instance, handler: CommandDefinition | undefined): Promise<void> {
    const guard = this.guard;
    let spawned: Spawned = NOTHING_SPAWNED;
    let handlerError: Error | undefined;
    if (handler?.expired) {
      try {
        const result = await runHandler(instance, new AttemptAbort(), this.environment(instance, guard), (ctx) => handler.expired!(instance, ctx));
        spawned = await this.factory.spawned(result, instance);
      } catch (error) {
        handlerError = ThrownValueError.from(error);
        this.options.logger.error(`durex: Expired handler of ${describe(instance)} failed: ${handlerError.message}`);
      }
    }
    const { recorded, data } = changesOf(instance);
    await this.settle(instance, outcome.expired({ instance, guard, now: this.options.clock.now(), recorded, data, ...spawned }, handlerError), {});
  }

  /**
   * Writes an attempt's outcome; once it is stored, tells the lifecycle listeners and, for a final
   * status, the executor. Returns false when the guard no longer held (nothing was written).
   */
  private settle(instance: Instance, transition: Transition, details: { error?: Error; durationMs?: number }): Promise<boolean> {
    const write = this.writer.write(transition);
    this.free(instance.id);
    const done = () => {
      if (this.settling.get(instance.id) === settled) this.settling.delete(instance.id);
    };
    // A retried instance can be claimed again before this outcome's event is out; its next
    // 'started' waits for `settled`, so listeners see one instance's events in order.
    const settled: Promise<boolean> = write.then(
      (written) => {
        done();
        if (!written.applied) return false;
        if (written.skippedChildren.length) this.reportSkipped(instance, transition, written.skippedChildren);
        const status = transition.patch.status!;
        const type = EVENT_OF_STATUS[status];
        if (this.events.wants(type)) {
          const snapshot = instance.clone();
          Object.assign(snapshot, transition.patch);
          this.events.emit({ type, instance: snapshot, at: new Date(this.options.clock.now()), ...details });
        }
        if (isTerminal(status)) this.onTerminal(instance);
        return true;
      },
      (error: unknown) => {
        done();
        throw error;
      },
    );
    this.settling.set(instance.id, settled);
    return settled;
  }

  /** What handler code runs with: its timeout, the logger, and progress reports guarded like any write. */
  private environment(instance: Instance, guard: TransitionGuard): HandlerEnvironment {
    return {
      timeoutMs: instance.timeout,
      logger: this.options.logger,
      outcomes: this.outcomesOf,
      progress: async (value) => {
        assertJsonPayload(value, 'progress', this.options.payloadLimits);
        const metadata = { ...instance.metadata, progress: value };
        const written = await this.writer.write({ id: instance.id, guard, patch: { metadata }, events: [] });
        if (!written.applied) return;
        instance.metadata = metadata;
        if (this.events.wants('progress')) this.events.emit({ type: 'progress', instance: instance.clone(), at: new Date(this.options.clock.now()) });
      },
    };
  }

  /** The backoff before the next retry; the first retry is attempt 1 of the strategy. */
  private retryDelay(instance: Instance): number {
    const strategy = this.registry.get(instance.name)?.backoff ?? this.options.backoff;
    return strategy.nextDelay(instance.maxRetries - instance.retries + 1);
  }

  /**
   * A child whose unique key an active instance holds is not created, by design (the key is the
   * guard against running that work twice), but the parent's author should see it happened.
   */
  private reportSkipped(parent: Instance, transition: Transition, skipped: readonly string[]): void {
    for (const child of transition.children ?? []) {
      if (!skipped.includes(child.id)) continue;
      this.options.logger.warn(
        `durex: ${describe(parent)} did not create its child ${child.name}: unique key "${child.uniqueKey}" is held by an active instance`,
      );
    }
  }

  private report(instance: Instance, error: Error): void {
    this.options.logger.warn(
      `durex: ${describe(instance)} attempt ${instance.attempt} failed: ${error.message}` +
        ` (retries left ${instance.retries}, trace ${instance.traceId ?? '-'}, correlation ${instance.correlationId ?? '-'})`,
    );
    try {
      this.options.errorHandler?.(instance, error);
    } catch (handlerError) {
      this.options.logger.error(`durex: errorHandler threw: ${errorMessage(handlerError)}`);
    }
  }
}

/** What a middleware sees; the signal, like the handler's, is created only if read. */
function middlewareContext(instance: Instance, handler: CommandDefinition, abort: AttemptAbort): MiddlewareContext {
  return {
    instance,
    handler,
    get signal() {
      return abort.signal;
    },
  };
}

function changesOf(instance: Instance): { recorded: Instance['history']; data?: Instance['data'] } {
  const changes = instance.takeChanges();
  return changes.dataChanged ? { recorded: changes.events, data: instance.data } : { recorded: changes.events };
}

function describe(instance: Instance): string {
  return `command ${instance.name} ${instance.id}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
