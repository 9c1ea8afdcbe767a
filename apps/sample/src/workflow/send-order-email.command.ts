import { Command, type CommandContext, type CommandHandler, exponentialBackoff, type Instance } from 'nestjs-durex';
import { Mailer } from '../notifications/mailer.service.js';
import type { OrderEmail } from './order-workflow.js';

/** Sends one confirmation email. At most two run at once (`rateLimits` in the module options). */
@Command('sendOrderEmail', { retries: 5, timeout: 10_000, backoff: exponentialBackoff({ initial: 1_000 }) })
export class SendOrderEmailCommand implements CommandHandler<OrderEmail> {
  constructor(private readonly mailer: Mailer) {}

  async execute(cmd: Instance<OrderEmail>, ctx: CommandContext): Promise<void> {
    await this.mailer.send(cmd.data, ctx.signal);
  }
}
