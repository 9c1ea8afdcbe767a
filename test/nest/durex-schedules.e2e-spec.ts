import { Command, type CommandHandler, type Instance, Status } from 'nestjs-durex';
import { createDurexApp, type DurexTestApp, waitForInstances } from '../fixtures/durex-app.js';
import { STORAGE_KINDS } from '../support/storages.js';

const ran: string[] = [];

@Command('heartbeat', { cron: '* * * * * *', timezone: 'Europe/Paris' })
class HeartbeatCommand implements CommandHandler {
  execute(cmd: Instance): void {
    ran.push(String(cmd.metadata.scheduledFor));
  }
}

@Command('report')
class ReportCommand implements CommandHandler<{ kind: string }> {
  execute(): void {}
}

describe.each(STORAGE_KINDS)('schedules through Nest on %s', (kind) => {
  let running: DurexTestApp;

  beforeEach(async () => {
    running = await createDurexApp([HeartbeatCommand, ReportCommand], { storage: kind });
  });

  afterEach(() => running.app.close());

  it('@Command({ cron }) schedules the command at bootstrap and runs it on its ticks', async () => {
    const [schedule] = await running.client.schedules();
    expect(schedule).toMatchObject({ name: 'heartbeat', cron: '* * * * * *', timezone: 'Europe/Paris', spec: { name: 'heartbeat' } });
    const [tick] = await waitForInstances(running.client, { name: 'heartbeat', status: Status.COMPLETED });
    expect(tick!.uniqueKey).toBe(`durex:tick:heartbeat:${String(tick!.metadata.scheduledFor)}`);
    expect(ran).toContain(tick!.metadata.scheduledFor);
  });

  it('DurexClient.schedule and unschedule manage schedules at run time', async () => {
    const info = await running.client.schedule('weekly', '0 9 * * 1', { name: 'report', data: { kind: 'weekly' } }, { timezone: 'UTC' });
    expect(info.nextTick.getUTCDay()).toBe(1);
    expect(info.nextTick.getUTCHours()).toBe(9);
    expect((await running.client.schedules()).map((s) => s.name)).toEqual(['heartbeat', 'weekly']);
    expect(await running.client.unschedule('weekly')).toBe(true);
    expect((await running.client.schedules()).map((s) => s.name)).toEqual(['heartbeat']);
  });
});
