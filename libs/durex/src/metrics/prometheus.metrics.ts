/*
 * The prom-client implementation of MetricsCollector, on its own subpath (`nestjs-durex/prometheus`)
 * so that prom-client stays an optional peer: the root barrel never imports this file.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { InvalidOptionsError } from '../core/errors/invalid-options.error.js';
import type { MetricsCollector } from './metrics-collector.interface.js';

/** The label every per-command series carries. */
const COMMAND_LABEL = 'command';

/**
 * Options of {@link PrometheusMetrics} (the reference's `WithPrometheus…` options).
 *
 * @publicApi
 */
export interface PrometheusMetricsOptions {
  /**
   * Where the metrics are registered. Pass prom-client's global `register` to expose them with the
   * application's other metrics, or a registry of your own.
   * @default a new Registry (never the global one, so two executors or tests cannot collide)
   */
  registry?: Registry;
  /**
   * The first part of every metric name.
   * @default 'durex'
   */
  namespace?: string;
  /** An optional second part of every metric name (`<namespace>_<subsystem>_…`). */
  subsystem?: string;
  /**
   * Upper bounds of the duration histogram's buckets, in seconds.
   * @default prom-client's defaults, 5 ms to 10 s
   */
  buckets?: number[];
}

/**
 * Execution metrics for Prometheus, with the reference's metric set:
 *
 * - `<ns>_commands_started_total`, `<ns>_commands_completed_total`, `<ns>_commands_failed_total`,
 *   `<ns>_commands_retried_total`: counters labelled by `command` (the command name);
 * - `<ns>_command_duration_seconds`: a histogram of successful attempts' durations, by `command`;
 * - `<ns>_queue_size`: a gauge of PENDING instances.
 *
 * ```ts
 * const metrics = new PrometheusMetrics({ registry: register });   // prom-client's global registry
 * DurexModule.forRoot({ storage, metrics });
 * // in a controller: @Get('metrics') metrics() { return metrics.metrics(); }
 * ```
 *
 * Instances sharing a registry share its series: the second finds the first's metrics by name and
 * reuses them instead of failing to register them twice.
 *
 * @publicApi
 */
export class PrometheusMetrics implements MetricsCollector {
  /** The registry holding the metrics. */
  readonly registry: Registry;
  private readonly started: Counter<typeof COMMAND_LABEL>;
  private readonly completed: Counter<typeof COMMAND_LABEL>;
  private readonly failed: Counter<typeof COMMAND_LABEL>;
  private readonly retried: Counter<typeof COMMAND_LABEL>;
  private readonly duration: Histogram<typeof COMMAND_LABEL>;
  private readonly queue: Gauge;

  constructor(options: PrometheusMetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    const prefix = [options.namespace ?? 'durex', options.subsystem].filter((part) => part !== undefined && part !== '').join('_');
    const registers = [this.registry];
    const labelNames = [COMMAND_LABEL] as const;
    const counter = (suffix: string, help: string) =>
      this.reuse(`${prefix}_${suffix}`, Counter, (name) => new Counter({ name, help, labelNames, registers }));

    this.started = counter('commands_started_total', 'Command attempts started.');
    this.completed = counter('commands_completed_total', 'Command attempts that completed successfully.');
    this.failed = counter('commands_failed_total', 'Command attempts that failed (thrown error, timeout, invalid result).');
    this.retried = counter('commands_retried_total', 'Retries scheduled after a failed attempt.');
    this.duration = this.reuse(
      `${prefix}_command_duration_seconds`,
      Histogram,
      (name) =>
        new Histogram({
          name,
          help: 'Duration of successful command attempts, in seconds.',
          labelNames,
          registers,
          ...(options.buckets === undefined ? {} : { buckets: options.buckets }),
        }),
    );
    this.queue = this.reuse(`${prefix}_queue_size`, Gauge, (name) => new Gauge({ name, help: 'PENDING command instances.', registers }));
  }

  commandStarted(name: string): void {
    this.started.inc({ [COMMAND_LABEL]: name });
  }

  commandCompleted(name: string, durationMs: number): void {
    this.completed.inc({ [COMMAND_LABEL]: name });
    this.duration.observe({ [COMMAND_LABEL]: name }, durationMs / 1_000);
  }

  commandFailed(name: string, _error: Error): void {
    this.failed.inc({ [COMMAND_LABEL]: name });
  }

  commandRetried(name: string, _attempt: number): void {
    this.retried.inc({ [COMMAND_LABEL]: name });
  }

  queueSize(size: number): void {
    this.queue.set(size);
  }

  /** Every metric of the registry in the Prometheus text format, for a `/metrics` route. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@link PrometheusMetrics.metrics}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The registry's metric of this name, or a new one; another kind of metric under the name is an error. */
  private reuse<M>(name: string, kind: abstract new (...args: never[]) => M, create: (name: string) => M): M {
    const existing = this.registry.getSingleMetric(name);
    if (existing === undefined) return create(name);
    if (existing instanceof kind) return existing;
    throw new InvalidOptionsError('PrometheusMetrics registry', `already holds a metric named ${name} that is not a ${kind.name}; choose another namespace or subsystem`);
  }
}
