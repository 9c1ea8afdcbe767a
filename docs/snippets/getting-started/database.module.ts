import { Module } from '@nestjs/common';
import { DurexModule } from 'nestjs-durex';

/** PostgreSQL when DATABASE_URL is set, the SQLite file otherwise. */
@Module({
  imports: [
    DurexModule.forRootAsync({
      useFactory: () => ({
        storage: process.env.DATABASE_URL
          ? { type: 'postgres', url: process.env.DATABASE_URL }
          : { type: 'sqlite', database: 'durex.db' },
        parallelism: 4,
      }),
    }),
  ],
})
export class DatabaseModule {}
