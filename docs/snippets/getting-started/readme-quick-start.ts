import { Injectable, Module } from '@nestjs/common';
import { Command, type CommandContext, type CommandHandler, DurexClient, DurexModule, type Instance, Recover, Result } from 'nestjs-durex';
import { MailService } from './mail.service.js';

@Command('sendEmail', { retries: 3, timeout: 10_000 })
export class SendEmailCommand implements CommandHandler<{ to: string }> {
  constructor(private readonly mailer: MailService) {}

  async execute(cmd: Instance<{ to: string }>, ctx: CommandContext): Promise<void> {
    await this.mailer.send(cmd.data.to, 'Welcome!', { signal: ctx.signal });
  }

  // Called once the retries are spent: what it returns runs next.
  @Recover()
  async onFailure(cmd: Instance<{ to: string }>, error: Error): Promise<Result> {
    return Result.next({ name: 'notifyFailure', data: { to: cmd.data.to, error: error.message } });
  }
}

@Module({
  imports: [DurexModule.forRoot({ storage: { type: 'sqlite', database: 'durex.db' }, parallelism: 4 })],
  providers: [SendEmailCommand, MailService],
})
export class AppModule {}

@Injectable()
export class SignupService {
  constructor(private readonly durex: DurexClient) {}

  signup(user: { id: string; email: string }): Promise<Instance> {
    return this.durex.add({ name: 'sendEmail', data: { to: user.email }, uniqueKey: `welcome:${user.id}` });
  }
}
