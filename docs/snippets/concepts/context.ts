import { Command, type CommandContext, type CommandHandler, type Instance } from 'nestjs-durex';

@Command('exportCustomers', { timeout: 10 * 60_000, retries: 2 })
export class ExportCustomersCommand implements CommandHandler<{ pages: number }> {
  async execute(cmd: Instance<{ pages: number }>, ctx: CommandContext): Promise<void> {
    ctx.logger.log(`export ${cmd.id}, attempt ${ctx.attempt}, trace ${ctx.traceId ?? '-'}`);
    for (let page = 1; page <= cmd.data.pages; page++) {
      ctx.signal.throwIfAborted(); // timed out, cancelled, or the shutdown grace period is over
      const response = await fetch(`https://example.com/customers?page=${page}`, { signal: ctx.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await ctx.progress({ page, of: cmd.data.pages }); // stored in metadata.progress at once
    }
  }
}
