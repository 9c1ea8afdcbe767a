import { Module } from '@nestjs/common';
import { DurexModule } from 'nestjs-durex';

/**
 * An API process that enqueues but runs nothing: the workers are other processes on the same
 * database. `commands` lists what it may enqueue without a handler here.
 */
@Module({
  imports: [
    DurexModule.forRoot({
      storage: { type: 'postgres', url: process.env.DATABASE_URL!, poolSize: 5 },
      autoStart: false, // never claims; add(), find(), cancel() ... all work
      commands: ['sendWelcomeEmail', 'generateReport'],
    }),
  ],
})
export class ApiModule {}
