import { Injectable } from '@nestjs/common';
import { Command, type CommandHandler, DurexClient } from 'nestjs-durex';

// A fixed schedule: declared on the command, created at startup.
@Command('digest', { cron: '0 6 * * *', timezone: 'Europe/Paris' })
export class DigestCommand implements CommandHandler {
  async execute(): Promise<void> {}
}

// Or managed at run time, under a name of your choice.
@Injectable()
export class DigestSchedules {
  constructor(private readonly durex: DurexClient) {}

  start(): Promise<unknown> {
    return this.durex.schedule('nightly-digest', '0 6 * * *', { name: 'digest', data: { kind: 'daily' } }, { timezone: 'Europe/Paris' });
  }

  stop(): Promise<boolean> {
    return this.durex.unschedule('nightly-digest');
  }
}
