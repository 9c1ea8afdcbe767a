import type { CanActivate, ConfigurableModuleAsyncOptions, Type } from '@nestjs/common';

/**
 * What protects the admin API: a guard class (resolved by Nest, so it can inject services) or a
 * guard instance.
 *
 * @publicApi
 */
export type DurexAdminGuard = Type<CanActivate> | CanActivate;

/**
 * Options of the admin API that may come from configuration (`registerAsync`'s factory).
 *
 * @publicApi
 */
export interface DurexAdminModuleOptions {
  /**
   * Answer every request that would change something (enqueue, cancel, replay, purge) with 403,
   * leaving the lists, the instance views and the stats open. For environments where operators may
   * look but not touch.
   * @default false
   */
  readOnly?: boolean;
}

/**
 * Options of `DurexAdminModule.register()` and `registerAsync()` that shape the controller itself,
 * so they are static: decorators need them before any factory runs.
 *
 * @publicApi
 */
export interface DurexAdminModuleExtras {
  /**
   * The route prefix of the admin API, below any global prefix.
   * @default 'durex'
   */
  path?: string;
  /**
   * Guards every admin route (`@UseGuards(guard)`). Without one the API is open to anyone who can
   * reach the server, and a warning says so at startup.
   */
  guard?: DurexAdminGuard;
}

/**
 * A class that builds the admin options, for `registerAsync({ useClass })` and `registerAsync({ useExisting })`.
 *
 * @publicApi
 */
export interface DurexAdminOptionsFactory {
  createDurexAdminOptions(): DurexAdminModuleOptions | Promise<DurexAdminModuleOptions>;
}

/**
 * The options of `DurexAdminModule.registerAsync()`.
 *
 * @publicApi
 */
export interface DurexAdminModuleAsyncOptions
  extends ConfigurableModuleAsyncOptions<DurexAdminModuleOptions, 'createDurexAdminOptions'>,
    DurexAdminModuleExtras {}
