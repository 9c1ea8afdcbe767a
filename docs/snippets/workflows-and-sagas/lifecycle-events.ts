import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type DurexEvent, Executor, OnDurexEvent } from 'nestjs-durex';

@Injectable()
export class DurexAlerts {
  private readonly logger = new Logger(DurexAlerts.name);

  /** Called once the instance is stored as DEAD_LETTER, in the process that moved it there. */
  @OnDurexEvent('deadLettered')
  async onDeadLetter({ instance, error }: DurexEvent): Promise<void> {
    this.logger.error(`${instance.name} ${instance.id} was dead-lettered: ${error?.message}`);
    // ...page someone...
  }

  @OnDurexEvent('retrying')
  onRetry({ instance, error }: DurexEvent): void {
    this.logger.warn(`${instance.name} ${instance.id}: attempt ${instance.attempt} failed (${error?.message ?? 'Result.retry()'})`);
  }
}

/** The same without the decorator: listen on the Executor; '*' receives every event. */
@Injectable()
export class DurexAuditTrail implements OnModuleInit {
  constructor(private readonly executor: Executor) {}

  onModuleInit(): void {
    this.executor.on('*', ({ type, instance, at, durationMs }) => {
      console.log(JSON.stringify({ type, id: instance.id, name: instance.name, status: instance.status, at, durationMs }));
    });
  }
}
