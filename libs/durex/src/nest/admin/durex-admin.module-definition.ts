import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_ADMIN_PATH, DUREX_ADMIN_MODULE_OPTIONS } from './durex-admin.constants.js';
import type { DurexAdminModuleExtras, DurexAdminModuleOptions } from './interfaces/durex-admin-module-options.interface.js';

// NOTE: `path` and `guard` are extras, not options: they become the controller's decorators when the
// module is registered, long before a registerAsync factory could run. DurexAdminModule mounts the
// controller from them; the transform here only passes the definition on.
export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<DurexAdminModuleOptions>({
  moduleName: 'DurexAdmin',
  optionsInjectionToken: DUREX_ADMIN_MODULE_OPTIONS,
})
  .setClassMethodName('register')
  .setFactoryMethodName('createDurexAdminOptions')
  .setExtras<DurexAdminModuleExtras>({ path: DEFAULT_ADMIN_PATH, guard: undefined }, (definition) => definition)
  .build();
