import { Injectable } from '@nestjs/common';
import { Command, type CommandContext, type CommandHandler, DurexClient, type Instance, type ScheduleInfo } from 'nestjs-durex';

/** Every day at 06:00 Paris time, in one process of the cluster. */
@Command('nightlyDigest', {
  cron: '0 6 * * *',
  timezone: 'Europe/Paris',
  missed: { catchUp: 1 }, // after an outage, run the latest missed tick once
  grace: 120_000, // a tick that starts at most 2 min late counts as on time
  retries: 2,
})
export class NightlyDigestCommand implements CommandHandler {
  async execute(cmd: Instance, ctx: CommandContext): Promise<void> {
    // Each tick's instance says which tick it is for (ISO 8601) and which schedule made it.
    ctx.logger.log(`building the digest of ${String(cmd.metadata.scheduledFor)} (schedule ${String(cmd.metadata.schedule)})`);
  }
}

/** Schedules managed at run time: one per customer report, say. */
@Injectable()
export class ReportSchedules {
  constructor(private readonly durex: DurexClient) {}

  weekly(customerId: string): Promise<ScheduleInfo> {
    // Scheduling a name again with other settings replaces the schedule; with the same, it is a no-op.
    return this.durex.schedule(`weeklyReport:${customerId}`, '0 9 * * 1', { name: 'generateReport', data: { customerId } }, { timezone: 'UTC' });
  }

  stop(customerId: string): Promise<boolean> {
    return this.durex.unschedule(`weeklyReport:${customerId}`); // instances it already created are left alone
  }

  list(): Promise<ScheduleInfo[]> {
    return this.durex.schedules(); // name, cron, timezone, spec, nextTick
  }
}
