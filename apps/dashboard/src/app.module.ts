import { type DynamicModule, Module } from '@nestjs/common';
import { DurexModule } from 'nestjs-durex';
import { DurexAdminModule } from 'nestjs-durex/admin';
import { DurexDashboardModule } from 'nestjs-durex/dashboard';
import { BasicAuthGuard } from './basic-auth.guard.js';
import type { DashboardConfig } from './dashboard.config.js';
import { API_PATH, DASHBOARD_PATH } from './dashboard.routes.js';
import { RootController } from './root.controller.js';

/**
 * The standalone dashboard: durex opened on an existing database, its admin API and the dashboard
 * page. It runs no handlers: it reads, cancels, replays and purges, and the services that own the
 * commands run them.
 */
@Module({})
export class AppModule {
  /** The application for `config`: the guard and storage are part of its static shape. */
  static register(config: DashboardConfig): DynamicModule {
    const guard = config.credentials ? new BasicAuthGuard(config.credentials) : undefined;
    return {
      module: AppModule,
      imports: [
        DurexModule.forRoot({
          storage: config.storage,
          // Retention and reclaiming dead workers' runs belong to the services that run the
          // commands, with their own settings; an inspector must not impose its defaults on them.
          cleanup: false,
          stuckRecovery: false,
        }),
        DurexAdminModule.register({ path: API_PATH, guard }),
        DurexDashboardModule.register({ path: DASHBOARD_PATH, apiPath: API_PATH, guard, title: config.title }),
      ],
      controllers: [RootController],
    };
  }
}
