export { DUREX_DASHBOARD_MODULE_OPTIONS } from './durex-dashboard.constants.js';
export { DurexDashboardModule } from './durex-dashboard.module.js';
export * from './interfaces/durex-dashboard-module-options.interface.js';
