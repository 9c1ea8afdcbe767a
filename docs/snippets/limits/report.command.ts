import { Command, type CommandHandler, type Instance } from 'nestjs-durex';

/** Heavy reports: at most three at once in the whole cluster, however many processes run them. */
@Command('generateReport', { concurrency: 3, timeout: 600_000 })
export class GenerateReportCommand implements CommandHandler<{ tenantId: string }> {
  async execute(report: Instance<{ tenantId: string }>): Promise<void> {
    console.log(`report for ${report.data.tenantId}`);
  }
}
