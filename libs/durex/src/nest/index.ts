export { Command } from './decorators/command.decorator.js';
export { Expired } from './decorators/expired.decorator.js';
export { InjectInstance } from './decorators/inject-instance.decorator.js';
export { OnDurexEvent } from './decorators/on-durex-event.decorator.js';
export { Recover } from './decorators/recover.decorator.js';
export { DurexClient } from './durex.client.js';
export { DUREX_INSTANCE, DUREX_MODULE_OPTIONS, DUREX_STORAGE } from './durex.constants.js';
export { DurexModule } from './durex.module.js';
export * from './interfaces/index.js';
