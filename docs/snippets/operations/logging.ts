import { AsyncLocalStorage } from 'node:async_hooks';
import { ConsoleLogger, Module } from '@nestjs/common';
import { DurexModule, tracingMiddleware } from 'nestjs-durex';

/** The ids of the attempt running in the current async context, for every log line below it. */
const jobContext = new AsyncLocalStorage<{ traceId: string | null; correlationId: string | null }>();

/** A Nest logger that appends the running attempt's ids to each message. */
class JobLogger extends ConsoleLogger {
  override log(message: string, context?: string): void {
    const ids = jobContext.getStore();
    super.log(ids ? `${message} [trace ${ids.traceId ?? '-'} workflow ${ids.correlationId ?? '-'}]` : message, context ?? 'Durex');
  }
}

const logger = new JobLogger('Durex');

@Module({
  imports: [
    DurexModule.forRoot({
      storage: { type: 'sqlite', database: 'durex.db' },
      logger, // any object with log, warn and error (debug optional): Nest's Logger, console, pino
      // Called after every failed attempt in this process, besides the command's @Recover.
      errorHandler: (instance, error) => logger.warn(`${instance.name} ${instance.id} attempt ${instance.attempt}: ${error.message}`),
      // Runs every attempt inside jobContext, so the handler's own log lines carry its ids.
      middleware: [tracingMiddleware((ids, run) => jobContext.run(ids, run))],
    }),
  ],
})
export class AppModule {}
