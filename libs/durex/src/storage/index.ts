export * from './storage.interface.js';
export * from './memory.storage.js';
export * from './hooked.storage.js';
export * from './typeorm/index.js';
