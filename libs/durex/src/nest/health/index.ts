export { DurexHealthModule } from './durex-health.module.js';
export { DurexHealthIndicator, type DurexHealthOptions } from './durex.health.js';
