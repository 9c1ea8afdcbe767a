import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_DASHBOARD_API_PATH, DEFAULT_DASHBOARD_PATH, DUREX_DASHBOARD_MODULE_OPTIONS } from './durex-dashboard.constants.js';
import type { DurexDashboardModuleExtras, DurexDashboardModuleOptions } from './interfaces/durex-dashboard-module-options.interface.js';

// NOTE: `path`, `apiPath` and `guard` are extras, not options: the first and last become the
// controller's decorators when the module is registered, long before a registerAsync factory could
// run, and `apiPath` is resolved against `path`. DurexDashboardModule mounts the controller from them.
export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<DurexDashboardModuleOptions>({
  moduleName: 'DurexDashboard',
  optionsInjectionToken: DUREX_DASHBOARD_MODULE_OPTIONS,
})
  .setClassMethodName('register')
  .setFactoryMethodName('createDurexDashboardOptions')
  .setExtras<DurexDashboardModuleExtras>({ path: DEFAULT_DASHBOARD_PATH, apiPath: DEFAULT_DASHBOARD_API_PATH, guard: undefined }, (definition) => definition)
  .build();
