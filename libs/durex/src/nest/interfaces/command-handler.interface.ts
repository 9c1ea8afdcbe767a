import type { Instance } from '../../core/instance.js';
import type { CommandData } from '../../core/json.js';
import type { Result } from '../../core/result.js';
import type { CommandContext } from '../../engine/command-context.js';

/**
 * A class that handles one command, marked with `@Command(name)` and registered as an ordinary Nest
 * provider, so its constructor can inject any singleton service.
 *
 * ```ts
 * @Command('sendEmail', { retries: 3 })
 * export class SendEmailCommand implements CommandHandler<EmailData> {
 *   constructor(private readonly mailer: MailService) {}
 *   async execute(cmd: Instance<EmailData>, ctx: CommandContext) {
 *     await this.mailer.send(cmd.data.to, { signal: ctx.signal });
 *   }
 * }
 * ```
 *
 * @typeParam T the payload type (`instance.data`)
 * @publicApi
 */
export interface CommandHandler<T = CommandData> {
  /**
   * Runs one attempt. Returning nothing means `Result.empty()`; throwing fails the attempt (it is
   * retried while retries are left, then `@Recover()` runs). Pass `ctx.signal` on to anything that
   * can be cancelled: it aborts on timeout, cancellation and the end of the shutdown grace period.
   */
  execute(instance: Instance<T>, ctx: CommandContext): Promise<Result | void> | Result | void;
}
