import { type DynamicModule, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { InvalidOptionsError } from '../../core/errors/invalid-options.error.js';
import { assertGuard, normaliseRoutePath } from '../admin/mount-options.js';
import { createDurexDashboardController } from './durex-dashboard.controller.js';
import {
  DEFAULT_DASHBOARD_API_PATH,
  DEFAULT_DASHBOARD_PATH,
  DEFAULT_DASHBOARD_TITLE,
  DEFAULT_REFRESH_INTERVAL_MS,
  DUREX_DASHBOARD_FILES,
  DUREX_DASHBOARD_LOGGER_CONTEXT,
  DUREX_DASHBOARD_MODULE_OPTIONS,
  DUREX_DASHBOARD_ROUTE,
  MIN_REFRESH_INTERVAL_MS,
} from './durex-dashboard.constants.js';
import { type DashboardFiles, loadDashboardFiles } from './durex-dashboard.files.js';
import { invalidRefreshIntervalMessage, invalidTitleMessage, unprotectedDashboardMessage } from './durex-dashboard.messages.js';
import { ASYNC_OPTIONS_TYPE, ConfigurableModuleClass, OPTIONS_TYPE } from './durex-dashboard.module-definition.js';
import { relativeApiBase } from './durex-dashboard.page.js';
import type { DurexDashboardModuleExtras, DurexDashboardModuleOptions } from './interfaces/durex-dashboard-module-options.interface.js';

/** Where one registration is mounted, for the startup check and the page's API URL. */
interface DashboardRoute {
  path: string;
  apiPath: string;
  guarded: boolean;
}

/**
 * The durex dashboard: a web page over the admin API with the queue's counts and throughput, a
 * filterable list of instances, each instance with its history, workflow trees, and the dead letter
 * queue with replay and purge.
 *
 * ```ts
 * @Module({
 *   imports: [
 *     DurexModule.forRoot({ storage: { type: 'postgres', url } }),
 *     DurexAdminModule.register({ path: 'ops/durex', guard: AdminGuard }),
 *     DurexDashboardModule.register({ path: 'ops/durex/ui', apiPath: 'ops/durex', guard: AdminGuard }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 *
 * The page talks only to the admin API, so `DurexAdminModule` must be registered at `apiPath`. It
 * finds it by a URL relative to its own, so both work under any global prefix or proxy path. Without
 * a `guard` the page is open to anyone who reaches the server, and a warning says so at startup.
 *
 * @publicApi
 */
@Module({})
export class DurexDashboardModule extends ConfigurableModuleClass implements OnModuleInit {
  private readonly logger = new Logger(DUREX_DASHBOARD_LOGGER_CONTEXT);

  constructor(@Inject(DUREX_DASHBOARD_ROUTE) private readonly route: DashboardRoute) {
    super();
  }

  /**
   * Mounts the dashboard.
   *
   * @param options `path` (default `'durex/ui'`), `apiPath` (default `'durex'`), `guard`, `title` and `refreshInterval`
   */
  static register(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return mount(super.register(options), options);
  }

  /**
   * Mounts the dashboard with its options from a factory (`useFactory` + `inject`, `useClass` or
   * `useExisting`). `path`, `apiPath` and `guard` are given here directly: they shape the routes.
   *
   * @param options the factory, the modules it needs, `path`, `apiPath` and `guard`
   */
  static registerAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return mount(super.registerAsync(options), options);
  }

  onModuleInit(): void {
    if (!this.route.guarded) this.logger.warn(unprotectedDashboardMessage(this.route.path));
  }
}

function mount(definition: DynamicModule, { path = DEFAULT_DASHBOARD_PATH, apiPath = DEFAULT_DASHBOARD_API_PATH, guard }: DurexDashboardModuleExtras): DynamicModule {
  const route: DashboardRoute = {
    path: normaliseRoutePath(path, 'DurexDashboardModule path'),
    apiPath: normaliseRoutePath(apiPath, 'DurexDashboardModule apiPath'),
    guarded: guard !== undefined,
  };
  assertGuard(guard, 'DurexDashboardModule guard');
  return {
    ...definition,
    controllers: [...(definition.controllers ?? []), createDurexDashboardController(route.path, guard)],
    providers: [
      ...(definition.providers ?? []),
      { provide: DUREX_DASHBOARD_ROUTE, useValue: route },
      {
        provide: DUREX_DASHBOARD_FILES,
        inject: [DUREX_DASHBOARD_MODULE_OPTIONS],
        useFactory: (options: DurexDashboardModuleOptions): Promise<DashboardFiles> =>
          loadDashboardFiles({ title: titleOf(options), refreshInterval: refreshIntervalOf(options), apiBase: relativeApiBase(route.path, route.apiPath) }),
      },
    ],
  };
}

function titleOf({ title = DEFAULT_DASHBOARD_TITLE }: DurexDashboardModuleOptions): string {
  if (typeof title !== 'string' || !title.trim()) throw new InvalidOptionsError('DurexDashboardModule title', invalidTitleMessage(title));
  return title.trim();
}

function refreshIntervalOf({ refreshInterval = DEFAULT_REFRESH_INTERVAL_MS }: DurexDashboardModuleOptions): number {
  if (!Number.isSafeInteger(refreshInterval) || refreshInterval < MIN_REFRESH_INTERVAL_MS) {
    throw new InvalidOptionsError('DurexDashboardModule refreshInterval', invalidRefreshIntervalMessage(refreshInterval, MIN_REFRESH_INTERVAL_MS));
  }
  return refreshInterval;
}
