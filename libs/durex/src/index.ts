export * from './core/index.js';
export * from './storage/index.js';
