import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DUREX_MODULE_OPTIONS } from './durex.constants.js';
import type { DurexModuleExtras, DurexModuleOptions } from './interfaces/durex-module-options.interface.js';

// NOTE: the extras reach forRootAsync too (Nest ≥ 12), so `isGlobal` works on both entry points.
export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<DurexModuleOptions>({
  moduleName: 'Durex',
  optionsInjectionToken: DUREX_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createDurexOptions')
  .setExtras<DurexModuleExtras>({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
