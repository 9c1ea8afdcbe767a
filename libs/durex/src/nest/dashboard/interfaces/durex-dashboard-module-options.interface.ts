import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { DurexAdminGuard } from '../../admin/interfaces/durex-admin-module-options.interface.js';

/**
 * Options of the dashboard that may come from configuration (`registerAsync`'s factory).
 *
 * @publicApi
 */
export interface DurexDashboardModuleOptions {
  /**
   * The name in the page's header and browser tab, such as the service and environment.
   * @default 'durex'
   */
  title?: string;
  /**
   * How often, in milliseconds, the page reloads what it shows while live updates are on (the
   * operator can pause them). At least 1000.
   * @default 5000
   */
  refreshInterval?: number;
}

/**
 * Options of `DurexDashboardModule.register()` and `registerAsync()` that shape the controller
 * itself, so they are static: decorators need them before any factory runs.
 *
 * @publicApi
 */
export interface DurexDashboardModuleExtras {
  /**
   * The route of the page, below any global prefix.
   * @default 'durex/ui'
   */
  path?: string;
  /**
   * The route of the admin API the page calls (where `DurexAdminModule` is mounted), below the same
   * global prefix. The page reaches it by a URL relative to its own, so both keep working behind
   * any global prefix or proxy path.
   * @default 'durex'
   */
  apiPath?: string;
  /**
   * Guards the page and its files (`@UseGuards(guard)`). Without one the page is open to anyone who
   * can reach the server, and a warning says so at startup. The admin API has its own guard.
   */
  guard?: DurexAdminGuard;
}

/**
 * A class that builds the dashboard options, for `registerAsync({ useClass })` and `registerAsync({ useExisting })`.
 *
 * @publicApi
 */
export interface DurexDashboardOptionsFactory {
  createDurexDashboardOptions(): DurexDashboardModuleOptions | Promise<DurexDashboardModuleOptions>;
}

/**
 * The options of `DurexDashboardModule.registerAsync()`.
 *
 * @publicApi
 */
export interface DurexDashboardModuleAsyncOptions
  extends ConfigurableModuleAsyncOptions<DurexDashboardModuleOptions, 'createDurexDashboardOptions'>,
    DurexDashboardModuleExtras {}
