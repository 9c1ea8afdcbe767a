import { Module } from '@nestjs/common';
import { DurexModule } from 'nestjs-durex';
import { DurexAdminModule } from 'nestjs-durex/admin';
import { AdminTokenGuard } from './admin-token.guard.js';

@Module({
  imports: [
    DurexModule.forRoot({ storage: { type: 'postgres', url: process.env.DATABASE_URL! }, deadLetterQueue: true }),
    // GET /ops/durex/commands, POST /ops/durex/dlq/:id/replay, ... behind the guard.
    DurexAdminModule.register({
      path: 'ops/durex',
      guard: AdminTokenGuard,
      readOnly: process.env.DUREX_ADMIN_READ_ONLY === 'true', // 403 on every change
    }),
  ],
})
export class AdminModule {}
