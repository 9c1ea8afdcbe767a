import { Command, type CommandHandler, type Instance } from 'nestjs-durex';

@Command('digest', { cron: '0 6 * * *', timezone: 'Europe/Paris' })
export class DigestCommand implements CommandHandler {
  execute(cmd: Instance): void {
    console.log('digest for', cmd.metadata.scheduledFor);
  }
}
// At run time: client.schedule('digest', '0 6 * * *', { name: 'digest', data: { kind: 'daily' } }, { timezone: 'Europe/Paris' })
