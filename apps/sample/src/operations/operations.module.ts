import { Module } from '@nestjs/common';
import { DurexAdminModule } from 'nestjs-durex/admin';
import { DurexDashboardModule } from 'nestjs-durex/dashboard';
import { DurexHealthModule } from 'nestjs-durex/health';
import { SERVER_CONFIG } from '../config/server.config.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { HealthController } from './health.controller.js';
import { MetricsModule } from './metrics.module.js';

const adminGuard = SERVER_CONFIG.adminToken === undefined ? undefined : new AdminTokenGuard(SERVER_CONFIG.adminToken);

/**
 * What operators reach over HTTP besides the orders API: the durex admin API, its dashboard, health and metrics.
 * Each is listed in OPERATIONS_LINKS, which main.ts prints at startup.
 */
@Module({
  imports: [
    // Without ADMIN_TOKEN the admin API has no guard: the admin module warns at startup, and the
    // server listens on the loopback interface only (see SERVER_CONFIG.host).
    DurexAdminModule.register({ path: 'durex', guard: adminGuard }),
    DurexDashboardModule.register({ path: 'durex/ui', apiPath: 'durex', guard: adminGuard }),
    DurexHealthModule,
    MetricsModule,
  ],
  controllers: [HealthController],
})
export class OperationsModule {}
