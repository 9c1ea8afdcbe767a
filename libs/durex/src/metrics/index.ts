export * from './metrics-collector.interface.js';
export * from './noop.metrics.js';
