import { Module } from '@nestjs/common';
import { DurexModule } from 'nestjs-durex';
import { DurexAdminModule } from 'nestjs-durex/admin';
import { DurexDashboardModule } from 'nestjs-durex/dashboard';
import { AdminTokenGuard } from './admin-token.guard.js'; // a CanActivate of yours (docs/operations.md shows one)

@Module({
  imports: [
    DurexModule.forRoot({ storage: { type: 'postgres', url: process.env.DATABASE_URL! } }),
    DurexAdminModule.register({ path: 'durex', guard: AdminTokenGuard }),
    DurexDashboardModule.register({ path: 'durex/ui', apiPath: 'durex', guard: AdminTokenGuard }),
  ],
})
export class AppModule {}
