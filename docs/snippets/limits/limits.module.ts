import { Module } from '@nestjs/common';
import { DurexModule, minutes } from 'nestjs-durex';

@Module({
  imports: [
    DurexModule.forRoot({
      storage: { type: 'postgres', url: process.env.DATABASE_URL! },
      parallelism: 16,
      // At most 10 sendEmail running at once across every process on this database.
      concurrency: { sendEmail: 10 },
      // At most 100 calls to the partner API started in any minute, across every process.
      rateLimit: { callPartnerApi: { max: 100, per: minutes(1) } },
      // At most 2 jobs of one tenant (one concurrencyKey) at once, whatever their commands.
      concurrencyKeyLimit: 2,
      // Per process, as before: this process runs at most 4 sendEmail of those 10.
      rateLimits: { sendEmail: 4 },
    }),
  ],
})
export class LimitsModule {}
