import type { MetricsCollector } from './metrics-collector.interface.js';

/** Discards every metric: the default when no collector is configured. @publicApi */
export class NoopMetrics implements MetricsCollector {
  commandStarted(): void {}
  commandCompleted(): void {}
  commandFailed(): void {}
  commandRetried(): void {}
  queueSize(): void {}
}
