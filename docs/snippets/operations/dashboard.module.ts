import { Module } from '@nestjs/common';
import { DurexModule } from 'nestjs-durex';
import { DurexAdminModule } from 'nestjs-durex/admin';
import { DurexDashboardModule } from 'nestjs-durex/dashboard';
import { AdminTokenGuard } from './admin-token.guard.js';

@Module({
  imports: [
    DurexModule.forRoot({ storage: { type: 'postgres', url: process.env.DATABASE_URL! } }),
    // The page only talks to the admin API, so mount both; each has its own guard.
    DurexAdminModule.register({ path: 'ops/durex', guard: AdminTokenGuard }),
    DurexDashboardModule.register({
      path: 'ops/durex/ui', // the page: GET /ops/durex/ui/
      apiPath: 'ops/durex', // where DurexAdminModule is mounted
      guard: AdminTokenGuard,
      title: 'orders (production)', // in the header and the browser tab
      refreshInterval: 10_000, // how often the page reloads while live updates are on; at least 1000
    }),
  ],
})
export class AppModule {}
