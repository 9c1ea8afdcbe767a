// durex: one handler per command name, an ordinary Nest provider.
import { Command, type CommandContext, type CommandHandler, exponentialBackoff, type Instance, PermanentError } from 'nestjs-durex';

interface Welcome {
  to: string;
}

@Command('sendWelcome', { retries: 3, backoff: exponentialBackoff({ initial: 1_000 }) })
export class SendWelcomeCommand implements CommandHandler<Welcome> {
  async execute(cmd: Instance<Welcome>, ctx: CommandContext): Promise<void> {
    if (!cmd.data.to) throw new PermanentError('no address'); // no more attempts
    await sendMail(cmd.data.to, 'Welcome!', ctx.signal);
  }
}

async function sendMail(_to: string, _subject: string, _signal: AbortSignal): Promise<void> {}

// In a module: DurexModule.forRoot({ storage: { type: 'postgres', url }, parallelism: 4 }), providers: [SendWelcomeCommand]
