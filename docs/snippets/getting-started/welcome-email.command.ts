import { Command, type CommandContext, type CommandHandler, exponentialBackoff, type Instance } from 'nestjs-durex';
import { MailService } from './mail.service.js';

export interface WelcomeEmail {
  userId: string;
  to: string;
}

@Command('sendWelcomeEmail', {
  retries: 3, // up to 4 attempts in all
  backoff: exponentialBackoff({ initial: 1_000, max: 60_000 }), // 1 s, 2 s, 4 s between them
  timeout: 10_000, // each attempt gets 10 s, then ctx.signal aborts and the attempt fails
})
export class SendWelcomeEmailCommand implements CommandHandler<WelcomeEmail> {
  constructor(private readonly mailer: MailService) {}

  async execute(cmd: Instance<WelcomeEmail>, ctx: CommandContext): Promise<void> {
    await this.mailer.send(cmd.data.to, 'Welcome!', { signal: ctx.signal });
    // Returning nothing means Result.empty(): the instance is COMPLETED.
  }
}
