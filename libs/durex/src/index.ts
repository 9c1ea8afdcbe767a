export * from './core/index.js';
export * from './engine/index.js';
export * from './metrics/index.js';
export * from './storage/index.js';
export * from './nest/index.js';
