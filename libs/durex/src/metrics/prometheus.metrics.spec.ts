import { Counter, register as globalRegistry, Registry } from 'prom-client';
import { InvalidOptionsError } from '../core/errors/invalid-options.error.js';
import { PrometheusMetrics } from './prometheus.metrics.js';

/** The value of the series of a counter or gauge with these labels. */
async function valueOf(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((value) => Object.entries(labels).every(([key, label]) => value.labels[key] === label))?.value;
}

describe('PrometheusMetrics', () => {
  it('counts attempts per command name and times successful ones in seconds', async () => {
    const metrics = new PrometheusMetrics();
    metrics.commandStarted('sendEmail');
    metrics.commandStarted('sendEmail');
    metrics.commandStarted('chargeCard');
    metrics.commandCompleted('sendEmail', 1_500);
    metrics.commandFailed('chargeCard', new Error('declined'));
    metrics.commandRetried('chargeCard', 1);
    metrics.queueSize(7);

    const text = await metrics.metrics();
    expect(text).toContain('durex_commands_started_total{command="sendEmail"} 2');
    expect(text).toContain('durex_commands_started_total{command="chargeCard"} 1');
    expect(text).toContain('durex_commands_completed_total{command="sendEmail"} 1');
    expect(text).toContain('durex_commands_failed_total{command="chargeCard"} 1');
    expect(text).toContain('durex_commands_retried_total{command="chargeCard"} 1');
    expect(text).toContain('durex_command_duration_seconds_sum{command="sendEmail"} 1.5');
    expect(text).toContain('durex_command_duration_seconds_count{command="sendEmail"} 1');
    expect(text).toContain('durex_command_duration_seconds_bucket{le="2.5",command="sendEmail"} 1');
    expect(text).toContain('durex_command_duration_seconds_bucket{le="1",command="sendEmail"} 0');
    expect(text).toContain('durex_queue_size 7');
    expect(text).toContain('# HELP durex_commands_failed_total Command attempts that failed');
    expect(metrics.contentType).toBe(metrics.registry.contentType);
  });

  it('uses a registry of its own by default, never the global one', async () => {
    const metrics = new PrometheusMetrics();
    metrics.commandStarted('x');
    expect(metrics.registry).not.toBe(globalRegistry);
    expect(globalRegistry.getSingleMetric('durex_commands_started_total')).toBeUndefined();
  });

  it('names metrics after the namespace and subsystem, and takes histogram buckets', async () => {
    const metrics = new PrometheusMetrics({ namespace: 'shop', subsystem: 'jobs', buckets: [0.1, 30] });
    metrics.commandCompleted('ship', 20_000);
    const text = await metrics.metrics();
    expect(text).toContain('shop_jobs_commands_completed_total{command="ship"} 1');
    expect(text).toContain('shop_jobs_command_duration_seconds_bucket{le="0.1",command="ship"} 0');
    expect(text).toContain('shop_jobs_command_duration_seconds_bucket{le="30",command="ship"} 1');
    expect(text).toContain('shop_jobs_queue_size 0');
    expect(text).not.toContain('durex_');
  });

  it('shares the series of another instance on the same registry instead of registering twice', async () => {
    const registry = new Registry();
    const first = new PrometheusMetrics({ registry });
    const second = new PrometheusMetrics({ registry });
    first.commandStarted('sendEmail');
    second.commandStarted('sendEmail');
    second.queueSize(3);
    expect(registry.getMetricsAsArray()).toHaveLength(6);
    expect(await valueOf(registry, 'durex_commands_started_total', { command: 'sendEmail' })).toBe(2);
    expect(await valueOf(registry, 'durex_queue_size')).toBe(3);
  });

  it('refuses a registry holding another kind of metric under one of its names', () => {
    const registry = new Registry();
    new Counter({ name: 'durex_queue_size', help: 'not a gauge', registers: [registry] });
    expect(() => new PrometheusMetrics({ registry })).toThrow(InvalidOptionsError);
    expect(() => new PrometheusMetrics({ registry })).toThrow('already holds a metric named durex_queue_size that is not a Gauge');
  });
});
