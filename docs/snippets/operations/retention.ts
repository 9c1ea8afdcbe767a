import { Module } from '@nestjs/common';
import { Command, type CommandHandler, days, DurexClient, DurexModule, hours } from 'nestjs-durex';

/** The dead letter queue is kept until purged: purge what is older than 30 days, every night. */
@Command('purgeDeadLetters', { cron: '0 3 * * *', timezone: 'UTC' })
export class PurgeDeadLettersCommand implements CommandHandler {
  constructor(private readonly durex: DurexClient) {}

  async execute(): Promise<void> {
    await this.durex.purgeDLQ(days(30));
  }
}

@Module({
  imports: [
    DurexModule.forRoot({
      storage: { type: 'postgres', url: process.env.DATABASE_URL! },
      deadLetterQueue: true,
      // Delete COMPLETED, FAILED, EXPIRED and CANCELLED instances 7 days after they finished.
      cleanup: { interval: hours(1), olderThan: days(7), batchSize: 1_000 },
    }),
  ],
  providers: [PurgeDeadLettersCommand],
})
export class AppModule {}
