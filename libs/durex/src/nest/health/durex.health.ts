import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InvalidOptionsError } from '../../core/errors/invalid-options.error.js';
import { Status } from '../../core/status.js';
import { Executor } from '../../engine/executor.js';
import type { DurexStorage } from '../../storage/storage.interface.js';
import { DUREX_STORAGE } from '../durex.constants.js';
import { DEFAULT_HEALTH_KEY, DEFAULT_HEALTH_TIMEOUT, STUCK_SCAN_LIMIT } from './durex-health.constants.js';
import {
  deadLettersMessage,
  EXECUTOR_STOPPED_MESSAGE,
  invalidThresholdMessage,
  pendingAgeMessage,
  storageDownMessage,
  stuckMessage,
} from './durex-health.messages.js';

/**
 * What `DurexHealthIndicator.isHealthy` checks beyond "storage answers and the executor runs". Each
 * threshold is measured only when given, so a bare liveness check costs one ping.
 *
 * @publicApi
 */
export interface DurexHealthOptions {
  /** Down when the oldest ready PENDING instance has waited longer than this, in ms. */
  maxPendingAgeMs?: number;
  /** Down when more STARTED instances than this hold an expired lease (their process died). */
  maxStuck?: number;
  /** Down when the dead letter queue holds more instances than this. */
  maxDeadLetters?: number;
  /**
   * How long storage may take to answer the ping, and then the measurements, in ms.
   * @default 1000
   */
  timeout?: number;
}

// A type, not an interface: terminus wants attempt data with an index signature, which only type
// aliases satisfy implicitly.
/** What the thresholds measured; only the measured ones are present. */
type Measurements = {
  pendingAgeMs?: number;
  stuck?: number;
  deadLetters?: number;
};

/**
 * A `@nestjs/terminus` health indicator for durex: storage reachable (a ping under a timeout),
 * executor running, and optional thresholds on backlog age, stuck instances and the dead letter
 * queue. Down results carry a `reason` that says what is wrong.
 *
 * ```ts
 * @Get('health')
 * @HealthCheck()
 * check() {
 *   return this.health.check([() => this.durex.isHealthy('durex', { maxPendingAgeMs: 60_000, maxStuck: 0 })]);
 * }
 * ```
 *
 * Provided by `DurexHealthModule`.
 *
 * @publicApi
 */
@Injectable()
export class DurexHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly executor: Executor,
    @Inject(DUREX_STORAGE) private readonly storage: DurexStorage,
  ) {}

  /**
   * Checks durex.
   *
   * @param key the key of the result in the health check's body
   * @param options thresholds, and the storage timeout
   * @returns `{ [key]: { status: 'up', storage: 'up', executor: 'running', …measurements } }`, or
   *   `status: 'down'` with a `reason`
   */
  async isHealthy<const Key extends string = typeof DEFAULT_HEALTH_KEY>(
    key: Key = DEFAULT_HEALTH_KEY as Key,
    options: DurexHealthOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    assertOptions(options);
    const indicator = this.health.check(key);
    const timeout = options.timeout ?? DEFAULT_HEALTH_TIMEOUT;

    const ping = (await indicator.attempt(() => this.storage.ping()).withTimeout(timeout))[key];
    if (ping.status !== 'up') return indicator.down({ reason: storageDownMessage(ping.message), storage: 'down' });
    if (!this.executor.isRunning()) return indicator.down({ reason: EXECUTOR_STOPPED_MESSAGE, storage: 'up', executor: 'stopped' });

    const measured = (await indicator.attempt(() => this.measure(options)).withTimeout(timeout))[key];
    if (measured.status !== 'up') return indicator.down({ reason: storageDownMessage(measured.message), storage: 'down', executor: 'running' });
    const { status: _status, responseTime: _responseTime, ...measurements } = measured as Measurements & { status: string; responseTime: number };
    const details = { storage: 'up', executor: 'running', ...measurements };
    const breaches = breachesOf(measurements, options);
    return breaches.length ? indicator.down({ ...details, reason: breaches.join('; ') }) : indicator.up(details);
  }

  private async measure(options: DurexHealthOptions): Promise<Measurements> {
    const now = this.executor.options.clock.now();
    const [pendingAgeMs, stuck, deadLetters] = await Promise.all([
      options.maxPendingAgeMs === undefined ? undefined : this.oldestReadyAge(now),
      options.maxStuck === undefined
        ? undefined
        : this.storage.findExpiredLeases(new Date(now), Math.max(options.maxStuck + 1, STUCK_SCAN_LIMIT)).then((found) => found.length),
      options.maxDeadLetters === undefined ? undefined : this.storage.count({ status: Status.DEAD_LETTER }),
    ]);
    const measurements: Measurements = {};
    if (pendingAgeMs !== undefined) measurements.pendingAgeMs = pendingAgeMs;
    if (stuck !== undefined) measurements.stuck = stuck;
    if (deadLetters !== undefined) measurements.deadLetters = deadLetters;
    return measurements;
  }

  /** How long the longest-waiting ready PENDING instance has waited; 0 when none is ready. */
  private async oldestReadyAge(now: number): Promise<number> {
    const [oldest] = await this.storage.find({ status: Status.PENDING, orderBy: 'readyAt', limit: 1 });
    return oldest ? Math.max(0, now - oldest.readyAt.getTime()) : 0;
  }
}

function breachesOf(measured: Measurements, options: DurexHealthOptions): string[] {
  const breaches: string[] = [];
  const over = (value: number | undefined, max: number | undefined) => value !== undefined && max !== undefined && value > max;
  if (over(measured.pendingAgeMs, options.maxPendingAgeMs)) breaches.push(pendingAgeMessage(measured.pendingAgeMs!, options.maxPendingAgeMs!));
  if (over(measured.stuck, options.maxStuck)) breaches.push(stuckMessage(measured.stuck!, options.maxStuck!));
  if (over(measured.deadLetters, options.maxDeadLetters)) breaches.push(deadLettersMessage(measured.deadLetters!, options.maxDeadLetters!));
  return breaches;
}

function assertOptions(options: DurexHealthOptions): void {
  for (const name of ['maxPendingAgeMs', 'maxStuck', 'maxDeadLetters', 'timeout'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new InvalidOptionsError(`DurexHealthIndicator ${name}`, invalidThresholdMessage(value));
    }
  }
}
