// durex: the handler is a Nest provider; retries and backoff are its options.
import { Command, type CommandContext, type CommandHandler, exponentialBackoff, type Instance } from 'nestjs-durex';

@Command('sendWelcome', {
  retries: 3, // retryLimit
  backoff: exponentialBackoff({ initial: 1_000 }), // retryDelay: 1 (second) with retryBackoff
  timeout: 15 * 60_000, // expireInSeconds
})
export class SendWelcomeCommand implements CommandHandler<{ to: string }> {
  async execute(cmd: Instance<{ to: string }>, ctx: CommandContext): Promise<void> {
    await sendMail(cmd.data.to, 'Welcome!', ctx.signal);
  }
}

async function sendMail(_to: string, _subject: string, _signal: AbortSignal): Promise<void> {}

// DurexModule.forRoot({ storage: { type: 'postgres', url }, deadLetterQueue: true }), providers: [SendWelcomeCommand]
