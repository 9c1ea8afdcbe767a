import { Command, type CommandHandler, DurexClient, type Instance, Status } from 'nestjs-durex';
import { PrometheusMetrics } from 'nestjs-durex/prometheus';
import { durexForTest, useTestApp } from '../admin/http-app.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

@Command('ships')
class ShipsCommand implements CommandHandler {
  execute(): void {}
}

/** Fails its first attempt, succeeds on the retry. */
@Command('flaky', { retries: 1 })
class FlakyCommand implements CommandHandler {
  execute(cmd: Instance): void {
    if (cmd.attempt === 1) throw new Error('first attempt fails');
  }
}

@Command('broken')
class BrokenCommand implements CommandHandler {
  execute(): void {
    throw new Error('always fails');
  }
}

const FINISHED: readonly Status[] = [Status.COMPLETED, Status.FAILED];

describe.each(STORAGE_KINDS)('PrometheusMetrics fed by a real executor on %s storage', (kind) => {
  let metrics: PrometheusMetrics;
  const current = useTestApp(kind, (storage) => {
    metrics = new PrometheusMetrics({ namespace: 'shop' });
    return {
      imports: [durexForTest({ storage, metrics, metricsInterval: 25, commands: ['elsewhere'] })],
      providers: [ShipsCommand, FlakyCommand, BrokenCommand],
    };
  });

  it('exposes started, completed, failed and retried counts per name, the duration histogram and the queue size', async () => {
    const client = current().app.get(DurexClient);
    const jobs = await client.addMany([{ name: 'ships' }, { name: 'ships' }, { name: 'ships' }, { name: 'flaky' }, { name: 'broken' }]);
    for (const job of jobs) {
      await waitFor(async () => FINISHED.includes((await client.get(job.id)).status), { description: `${job.name} finished` });
    }
    await client.addMany([{ name: 'elsewhere' }, { name: 'elsewhere' }]);
    const text = await waitFor(async () => {
      const current = await metrics.metrics();
      return current.includes('shop_queue_size 2') ? current : undefined;
    }, { description: 'the queue size gauge at 2' });

    for (const line of [
      'shop_commands_started_total{command="ships"} 3',
      'shop_commands_started_total{command="flaky"} 2',
      'shop_commands_started_total{command="broken"} 1',
      'shop_commands_completed_total{command="ships"} 3',
      'shop_commands_completed_total{command="flaky"} 1',
      'shop_commands_failed_total{command="flaky"} 1',
      'shop_commands_failed_total{command="broken"} 1',
      'shop_commands_retried_total{command="flaky"} 1',
      'shop_command_duration_seconds_count{command="ships"} 3',
      'shop_command_duration_seconds_count{command="flaky"} 1',
      'shop_queue_size 2',
    ]) {
      expect(text).toContain(`${line}\n`);
    }
    expect(text).not.toMatch(/shop_commands_(completed|retried)_total\{command="broken"\}/);
    expect(text).not.toMatch(/shop_commands_failed_total\{command="ships"\}/);
    expect(text).not.toMatch(/shop_command_duration_seconds_count\{command="broken"\}/);
  });
});
