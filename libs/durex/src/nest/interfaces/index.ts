export * from './command-handler.interface.js';
export * from './command-options.interface.js';
export * from './durex-module-options.interface.js';
export * from './enqueue-options.interface.js';
export * from './durex-job-request.interface.js';
