import { type DynamicModule, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { createDurexAdminController } from './durex-admin.controller.js';
import { DEFAULT_ADMIN_PATH, DUREX_ADMIN_LOGGER_CONTEXT, DUREX_ADMIN_ROUTE } from './durex-admin.constants.js';
import { unprotectedAdminMessage } from './durex-admin.messages.js';
import { ASYNC_OPTIONS_TYPE, ConfigurableModuleClass, OPTIONS_TYPE } from './durex-admin.module-definition.js';
import type { DurexAdminModuleExtras } from './interfaces/durex-admin-module-options.interface.js';
import { assertGuard, normaliseRoutePath } from './mount-options.js';

/** Where one registration is mounted, for the startup check. */
interface AdminRoute {
  path: string;
  guarded: boolean;
}

/**
 * The durex admin REST API: list, inspect, enqueue, cancel and replay commands, manage the dead
 * letter queue and read the stats, with every route described for OpenAPI.
 *
 * ```ts
 * @Module({
 *   imports: [
 *     DurexModule.forRoot({ storage: { type: 'postgres', url } }),
 *     DurexAdminModule.register({ path: 'ops/durex', guard: AdminGuard }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 *
 * Needs `DurexModule` registered globally (its default), `@nestjs/swagger`, `class-validator` and
 * `class-transformer`. Without a `guard` the API is open to anyone who reaches the server, and a
 * warning says so at startup.
 *
 * @publicApi
 */
@Module({})
export class DurexAdminModule extends ConfigurableModuleClass implements OnModuleInit {
  private readonly logger = new Logger(DUREX_ADMIN_LOGGER_CONTEXT);

  constructor(@Inject(DUREX_ADMIN_ROUTE) private readonly route: AdminRoute) {
    super();
  }

  /**
   * Mounts the admin API.
   *
   * @param options `path` (default `'durex'`), `guard`, and `readOnly`
   */
  static register(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return mount(super.register(options), options);
  }

  /**
   * Mounts the admin API with its options from a factory (`useFactory` + `inject`, `useClass` or
   * `useExisting`). `path` and `guard` are given here directly: they shape the routes.
   *
   * @param options the factory, the modules it needs, `path` and `guard`
   */
  static registerAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return mount(super.registerAsync(options), options);
  }

  onModuleInit(): void {
    if (!this.route.guarded) this.logger.warn(unprotectedAdminMessage(this.route.path));
  }
}

function mount(definition: DynamicModule, { path = DEFAULT_ADMIN_PATH, guard }: DurexAdminModuleExtras): DynamicModule {
  const route = normaliseRoutePath(path, 'DurexAdminModule path');
  assertGuard(guard, 'DurexAdminModule guard');
  return {
    ...definition,
    controllers: [...(definition.controllers ?? []), createDurexAdminController(route, guard)],
    providers: [...(definition.providers ?? []), { provide: DUREX_ADMIN_ROUTE, useValue: { path: route, guarded: guard !== undefined } satisfies AdminRoute }],
  };
}
