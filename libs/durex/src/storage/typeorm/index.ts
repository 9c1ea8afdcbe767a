export * from './durex-entities.js';
export * from './entities/instance.entity.js';
export * from './entities/instance-event.entity.js';
export * from './migrations/index.js';
export type { DurexStorageLogger } from './postgres.notifier.js';
export * from './typeorm-storage.options.js';
export * from './typeorm.storage.js';
