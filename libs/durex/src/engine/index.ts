export * from './command-context.js';
export * from './executor.js';
export * from './executor-options.js';
export * from './handler-registry.js';
export * from './lifecycle-events.js';
export * from './logger.js';
export * from './middleware.js';
export * from './rate-limiter.js';
export { SCHEDULE_COMMAND, type MissedTicksPolicy, type ScheduleInfo, type ScheduleOptions } from './schedules.js';
