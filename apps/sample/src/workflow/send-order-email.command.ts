import { Command, type CommandContext, type CommandHandler, exponentialBackoff, type Instance } from 'nestjs-durex';
import { WORKFLOW_CONFIG } from '../config/workflow.config.js';
import { Mailer } from '../notifications/mailer.service.js';
import type { OrderEmail } from './order-workflow.js';

/**
 * Sends one confirmation email, within two limits:
 * - `rateLimit`: the mail provider accepts so many messages a second. durex holds this across every
 *   process on the database: a send waits, PENDING, until the window has room;
 * - `rateLimits: { sendOrderEmail: 2 }` in the module options: this process keeps at most two
 *   connections to the provider open.
 */
@Command('sendOrderEmail', {
  retries: 5,
  timeout: 10_000,
  backoff: exponentialBackoff({ initial: 1_000 }),
  rateLimit: WORKFLOW_CONFIG.emailRate,
})
export class SendOrderEmailCommand implements CommandHandler<OrderEmail> {
  constructor(private readonly mailer: Mailer) {}

  async execute(cmd: Instance<OrderEmail>, ctx: CommandContext): Promise<void> {
    await this.mailer.send(cmd.data, ctx.signal);
  }
}
