import { type BackoffStrategy, noBackoff } from '../core/backoff.js';
import { type Clock, systemClock } from '../core/clock.js';
import { InvalidOptionsError } from '../core/errors/invalid-options.error.js';
import type { Instance } from '../core/instance.js';
import { generateId, type IdGenerator } from '../core/ids.js';
import { DEFAULT_PAYLOAD_LIMITS } from '../core/json.js';
import { assertCommandName } from '../core/spec.js';
import type { MetricsCollector } from '../metrics/metrics-collector.interface.js';
import { NoopMetrics } from '../metrics/noop.metrics.js';
import { consoleLogger, type DurexLogger } from './logger.js';
import type { Instrumentation } from './instrumentation.js';
import type { Middleware } from './middleware.js';
import { RateLimiter } from './rate-limiter.js';
import { DEFAULT_KEY_LIMIT } from '../storage/claim-limits.js';
import type { RateWindow } from '../storage/storage.interface.js';

/** Leases protect running instances from being run twice. @publicApi */
export interface LeaseOptions {
  /** How long a claim holds an instance without renewal. @default 30000 */
  duration?: number;
  /** How often running instances' leases are renewed; must be well under `duration`. @default 10000 */
  renewInterval?: number;
}

/** Reclaiming instances whose process died (their lease expired). @publicApi */
export interface StuckRecoveryOptions {
  /** How often to look for expired leases. @default 15000 */
  interval?: number;
  /** Most instances reclaimed per pass. @default 100 */
  batchSize?: number;
}

/** Deleting old finished instances. The dead letter queue is never cleaned; purge it explicitly. @publicApi */
export interface CleanupOptions {
  /** How often cleanup runs. @default 3600000 (1 hour) */
  interval?: number;
  /** Finished instances older than this are deleted. @default 86400000 (24 hours) */
  olderThan?: number;
  /** Rows deleted per statement, so cleanup never holds long locks. @default 1000 */
  batchSize?: number;
}

/** Reads the process-wide generator at every id, not once at construction. */
const PROCESS_WIDE_IDS: IdGenerator = { generate: generateId };

/**
 * How the executor runs (the reference's `With…` options). Durations are milliseconds.
 *
 * @publicApi
 */
export interface ExecutorOptions {
  /** Most instances executing at once in this process. @default 4 */
  parallelism?: number;
  /** Retries for specs and commands that set none. @default 0 */
  defaultRetries?: number;
  /** Delay before each retry. @default noBackoff() */
  backoff?: BackoffStrategy;
  /** Per-attempt timeout for specs and commands that set none; 0 for none. @default 0 */
  defaultTimeout?: number;
  /** Period of `Result.repeat()` for instances without one. @default 60000 */
  defaultRepeatInterval?: number;
  /** Longest sleep between looks at storage when no notification arrives. @default 1000 */
  pollInterval?: number;
  /** Most instances claimed per storage round trip. @default 10, or `parallelism + prefetch` with a prefetch */
  claimBatchSize?: number;
  /**
   * How many claimed instances this process may hold beyond its running ones (a local queue), so
   * one claim takes many instances instead of one per free worker. It pays when jobs are short and
   * the claim round trip is what limits throughput (hundreds for no-op jobs). The buffer is refilled
   * once it falls to half. Buffered instances are claimed: they hold leases (renewed like running
   * ones), are not available to other processes, expire at their deadline, and a clean shutdown hands
   * them back as PENDING without spending an attempt. The trade-off is a crash: like the running
   * ones, they are reclaimed only when their lease expires (`lease.duration`), and that reclaim
   * spends an attempt although they never ran, so a command with no retries left ends FAILED
   * (or dead-lettered) without having run. Give such commands retries, or keep the buffer off.
   * @default 0
   */
  prefetch?: number;
  /** How long `stop()` lets running handlers finish before aborting them. @default 30000 */
  gracefulShutdown?: number;
  /** Most concurrent executions per command name, in this process. */
  rateLimits?: Readonly<Record<string, number>>;
  /** Most concurrent executions overall, in this process; 0 for none. @default 0 */
  globalRateLimit?: number;
  /** A limiter shared with other code; `rateLimits` and `globalRateLimit` are applied to it. */
  rateLimiter?: RateLimiter;
  /**
   * Most instances of a command STARTED at once across every process sharing the storage, such as
   * `{ sendEmail: 10 }`: checked by the claim itself, so no process can exceed it. Every process
   * must set the same limits (a process without them claims without counting). Overrides the
   * command's own `concurrency`. Beside `rateLimits`, which caps this process alone.
   */
  concurrency?: Readonly<Record<string, number>>;
  /**
   * Most instances STARTED at once per `concurrencyKey` (see `Spec.concurrencyKey`), across every
   * process and whatever their command names. @default 1
   */
  concurrencyKeyLimit?: number;
  /**
   * Most starts of a command in any window of `per` ms across every process, such as
   * `{ sendEmail: { max: 100, per: 60_000 } }`. A start is a claim: the instance's `startedAt`.
   * Work beyond the limit stays PENDING, its `readyAt` moved to when the window has room, and is
   * never claimed into the prefetch buffer. Overrides the command's own `rateLimit`.
   */
  rateLimit?: Readonly<Record<string, RateWindow>>;
  /** Park instances that failed for good as DEAD_LETTER instead of FAILED. @default false */
  deadLetterQueue?: boolean;
  lease?: LeaseOptions;
  /** `false` disables it (then a crashed process's instances stay STARTED). @default { interval: 15000 } */
  stuckRecovery?: StuckRecoveryOptions | false;
  /** `false` disables it. @default { interval: 3600000, olderThan: 86400000 } */
  cleanup?: CleanupOptions | false;
  /** Wraps every attempt, in order. */
  middleware?: readonly Middleware[];
  /** Tracing and similar integrations: see every new instance and wrap every attempt. */
  instrumentations?: readonly Instrumentation[];
  metrics?: MetricsCollector;
  /** How often the queue size metric is measured (also when the executor starts, and at each `stats()`). @default 5000 */
  metricsInterval?: number;
  /** Commands that always have one active instance: started with the executor and restarted when they end. */
  permanentCommands?: readonly string[];
  /** Command names handled by other processes, so this one may enqueue them without a handler. */
  commands?: readonly string[];
  logger?: DurexLogger;
  /** Called after every failed attempt, in addition to the command's Recover handler. */
  errorHandler?: (instance: Instance, error: Error) => void;
  /**
   * Makes this executor's instance ids. Without one, each id comes from the process-wide generator
   * current when it is made, so a later `setIdGenerator()` applies here too (as the reference's
   * `SetIDGenerator` does). @default the process-wide generator
   */
  idGenerator?: IdGenerator;
  clock?: Clock;
  /** Largest serialised `data` (and `metadata`), in bytes. @default 1048576 */
  maxPayloadBytes?: number;
  /**
   * How long a finished attempt waits, when no write is in flight, for others to be written with it
   * in one storage round trip. 0 still groups the attempts that finish in the same turn of the event
   * loop; and while a write is in flight, outcomes always collect and go out together when it
   * returns. @default 0
   */
  completionBatchDelay?: number;
  /** Identifies this process in leases. @default `<hostname>:<pid>:<random>` */
  workerId?: string;
}

/** Options with every default applied. */
export interface ResolvedExecutorOptions {
  parallelism: number;
  defaultRetries: number;
  backoff: BackoffStrategy;
  defaultTimeout: number;
  defaultRepeatInterval: number;
  pollInterval: number;
  claimBatchSize: number;
  prefetch: number;
  gracefulShutdown: number;
  rateLimiter: RateLimiter;
  concurrency: Readonly<Record<string, number>>;
  concurrencyKeyLimit: number;
  rateLimit: Readonly<Record<string, RateWindow>>;
  deadLetterQueue: boolean;
  lease: Required<LeaseOptions>;
  stuckRecovery: Required<StuckRecoveryOptions> | false;
  cleanup: Required<CleanupOptions> | false;
  middleware: readonly Middleware[];
  instrumentations: readonly Instrumentation[];
  metrics: MetricsCollector;
  metricsInterval: number;
  permanentCommands: readonly string[];
  commands: readonly string[];
  logger: DurexLogger;
  errorHandler: ((instance: Instance, error: Error) => void) | undefined;
  idGenerator: IdGenerator;
  clock: Clock;
  payloadLimits: { maxBytes: number; maxDepth: number };
  completionBatchDelay: number;
  workerId: string | undefined;
}

/**
 * Applies every default and checks every option once, so a bad option fails at bootstrap with a
 * message naming it (pg-boss's attorney, in one place).
 */
export function resolveExecutorOptions(options: ExecutorOptions = {}): ResolvedExecutorOptions {
  const lease = { duration: 30_000, renewInterval: 10_000, ...options.lease };
  positive('lease.duration', lease.duration);
  positive('lease.renewInterval', lease.renewInterval);
  if (lease.renewInterval >= lease.duration) {
    throw new InvalidOptionsError('lease.renewInterval', `must be shorter than lease.duration (${lease.duration} ms)`);
  }
  const stuckRecovery = options.stuckRecovery === false ? false : { interval: 15_000, batchSize: 100, ...options.stuckRecovery };
  if (stuckRecovery) {
    positive('stuckRecovery.interval', stuckRecovery.interval);
    positive('stuckRecovery.batchSize', stuckRecovery.batchSize);
  }
  const cleanup = options.cleanup === false ? false : { interval: 3_600_000, olderThan: 86_400_000, batchSize: 1_000, ...options.cleanup };
  if (cleanup) {
    positive('cleanup.interval', cleanup.interval);
    nonNegative('cleanup.olderThan', cleanup.olderThan);
    positive('cleanup.batchSize', cleanup.batchSize);
  }
  const rateLimiter = options.rateLimiter ?? new RateLimiter();
  for (const [name, limit] of Object.entries(options.rateLimits ?? {})) {
    assertName(`rateLimits key "${name}"`, name);
    positive(`rateLimits.${name}`, limit);
    rateLimiter.setLimit(name, limit);
  }
  if (options.globalRateLimit !== undefined) {
    nonNegative('globalRateLimit', options.globalRateLimit);
    rateLimiter.setGlobalLimit(options.globalRateLimit);
  }
  for (const [name, limit] of Object.entries(options.concurrency ?? {})) {
    assertName(`concurrency key "${name}"`, name);
    assertConcurrency(`concurrency.${name}`, limit);
  }
  for (const [name, window] of Object.entries(options.rateLimit ?? {})) {
    assertName(`rateLimit key "${name}"`, name);
    assertRateWindow(`rateLimit.${name}`, window);
  }
  for (const name of options.permanentCommands ?? []) assertName('permanentCommands', name);
  for (const name of options.commands ?? []) assertName('commands', name);
  for (const [index, mw] of (options.middleware ?? []).entries()) {
    if (typeof mw !== 'function') throw new InvalidOptionsError(`middleware[${index}]`, 'must be a function');
  }
  if (options.idGenerator !== undefined && typeof options.idGenerator?.generate !== 'function') {
    throw new InvalidOptionsError('idGenerator', 'must have a generate() function (use UlidGenerator, SimpleIdGenerator or your own)');
  }
  if (options.backoff !== undefined && typeof options.backoff?.nextDelay !== 'function') {
    throw new InvalidOptionsError('backoff', 'must have a nextDelay(attempt) function (use exponentialBackoff() and friends)');
  }
  const resolved: ResolvedExecutorOptions = {
    parallelism: options.parallelism ?? 4,
    defaultRetries: options.defaultRetries ?? 0,
    backoff: options.backoff ?? noBackoff(),
    defaultTimeout: options.defaultTimeout ?? 0,
    defaultRepeatInterval: options.defaultRepeatInterval ?? 60_000,
    pollInterval: options.pollInterval ?? 1_000,
    claimBatchSize: options.claimBatchSize ?? (options.prefetch ? (options.parallelism ?? 4) + options.prefetch : 10),
    prefetch: options.prefetch ?? 0,
    gracefulShutdown: options.gracefulShutdown ?? 30_000,
    rateLimiter,
    concurrency: { ...options.concurrency },
    concurrencyKeyLimit: options.concurrencyKeyLimit ?? DEFAULT_KEY_LIMIT,
    rateLimit: { ...options.rateLimit },
    deadLetterQueue: options.deadLetterQueue ?? false,
    lease,
    stuckRecovery,
    cleanup,
    // Instrumentations wrap the application's middleware, so their spans cover it.
    middleware: [...(options.instrumentations ?? []).flatMap((i) => (i.middleware ? [i.middleware] : [])), ...(options.middleware ?? [])],
    instrumentations: options.instrumentations ?? [],
    metrics: options.metrics ?? new NoopMetrics(),
    metricsInterval: options.metricsInterval ?? 5_000,
    permanentCommands: options.permanentCommands ?? [],
    commands: options.commands ?? [],
    logger: options.logger ?? consoleLogger,
    errorHandler: options.errorHandler,
    idGenerator: options.idGenerator ?? PROCESS_WIDE_IDS,
    clock: options.clock ?? systemClock,
    payloadLimits: { ...DEFAULT_PAYLOAD_LIMITS, maxBytes: options.maxPayloadBytes ?? DEFAULT_PAYLOAD_LIMITS.maxBytes },
    completionBatchDelay: options.completionBatchDelay ?? 0,
    workerId: options.workerId,
  };
  integer('parallelism', resolved.parallelism, 1);
  integer('defaultRetries', resolved.defaultRetries, 0);
  nonNegative('defaultTimeout', resolved.defaultTimeout);
  positive('defaultRepeatInterval', resolved.defaultRepeatInterval);
  positive('pollInterval', resolved.pollInterval);
  integer('claimBatchSize', resolved.claimBatchSize, 1);
  integer('concurrencyKeyLimit', resolved.concurrencyKeyLimit, 1);
  integer('prefetch', resolved.prefetch, 0);
  nonNegative('gracefulShutdown', resolved.gracefulShutdown);
  positive('metricsInterval', resolved.metricsInterval);
  positive('maxPayloadBytes', resolved.payloadLimits.maxBytes);
  nonNegative('completionBatchDelay', resolved.completionBatchDelay);
  if (typeof resolved.logger?.error !== 'function') throw new InvalidOptionsError('logger', 'must have log, warn and error methods');
  return resolved;
}

/** Checks a cluster-wide concurrency limit (an executor option or a command's own). */
export function assertConcurrency(option: string, value: unknown): void {
  integer(option, value, 1);
}

/** Checks a rate window: `max` starts (an integer ≥ 1) per `per` ms (> 0). */
export function assertRateWindow(option: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) throw new InvalidOptionsError(option, 'must be an object { max, per }');
  const { max, per } = value as Partial<RateWindow>;
  integer(`${option}.max`, max, 1);
  positive(`${option}.per`, per);
}

function nonNegative(option: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionsError(option, `must be a number ≥ 0, got ${String(value)}`);
  }
}

function positive(option: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionsError(option, `must be a number > 0, got ${String(value)}`);
  }
}

function integer(option: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionsError(option, `must be an integer ≥ ${min}, got ${String(value)}`);
  }
}

function assertName(option: string, name: unknown): void {
  try {
    assertCommandName(name, option);
  } catch (error) {
    throw new InvalidOptionsError(option, (error as Error).message);
  }
}
