import { Module } from '@nestjs/common';
import { DurexModule, exponentialBackoff, hours, jittered, minutes, seconds } from 'nestjs-durex';

@Module({
  imports: [
    DurexModule.forRoot({
      storage: { type: 'postgres', url: process.env.DATABASE_URL!, schema: 'jobs', poolSize: 20 },
      parallelism: 16,
      claimBatchSize: 16,
      defaultRetries: 3,
      backoff: jittered(exponentialBackoff({ initial: seconds(1), max: minutes(10) }), 0.2),
      defaultTimeout: minutes(5),
      rateLimits: { sendEmail: 4, callPartnerApi: 2 },
      globalRateLimit: 12,
      deadLetterQueue: true,
      lease: { duration: seconds(60), renewInterval: seconds(15) },
      stuckRecovery: { interval: seconds(30) },
      cleanup: { olderThan: hours(72) },
      gracefulShutdown: seconds(20),
    }),
  ],
})
export class AppModule {}
