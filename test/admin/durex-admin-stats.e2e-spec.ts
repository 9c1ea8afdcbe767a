import { Injectable } from '@nestjs/common';
import { Command, type CommandHandler } from 'nestjs-durex';
import type { StatsResponseDto } from 'nestjs-durex/admin';
import { DurexAdminModule } from 'nestjs-durex/admin';
import { Gate } from '../fixtures/gate.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';
import { durexForTest, useTestApp } from './http-app.js';

/** Waits on the app's one Gate: every handler stays busy, its limits' slots taken, while GET /stats reads them. */
@Injectable()
abstract class HeldCommand implements CommandHandler {
  constructor(private readonly gate: Gate) {}
  execute(): Promise<void> {
    return this.gate.opened;
  }
}

/** Capped by its own cluster-wide concurrency. */
@Command('render', { concurrency: 2 })
class RenderCommand extends HeldCommand {}

/** Capped by the per-process `rateLimits` below. */
@Command('report')
class ReportCommand extends HeldCommand {}

/** Rate-limited by its own option, which the module's `rateLimit` overrides. */
@Command('callPartner', { rateLimit: { max: 1, per: 1_000 } })
class CallPartnerCommand extends HeldCommand {}

@Command('unlimited')
class UnlimitedCommand extends HeldCommand {}

describe.each(STORAGE_KINDS)('GET /stats limits on %s storage', (kind) => {
  const current = useTestApp(kind, (storage) => ({
    imports: [
      durexForTest({
        storage,
        parallelism: 8,
        rateLimits: { render: 3, report: 1 },
        globalRateLimit: 4,
        concurrency: { report: 5 },
        rateLimit: { callPartner: { max: 5, per: 60_000 }, elsewhere: { max: 10, per: 1_000 } },
        concurrencyKeyLimit: 2,
      }),
      DurexAdminModule.register(),
    ],
    providers: [Gate, RenderCommand, ReportCommand, CallPartnerCommand, UnlimitedCommand],
  }));

  async function stats(): Promise<StatsResponseDto> {
    return (await current().http().get('/durex/stats').expect(200)).body as StatsResponseDto;
  }

  it('reports the per-process and cluster-wide limits with the slots held while handlers run, and frees them after', async () => {
    const { http, app } = current();
    const specs = [
      ...Array.from({ length: 3 }, () => ({ name: 'render' })),
      ...Array.from({ length: 2 }, () => ({ name: 'report' })),
      { name: 'callPartner' },
    ];
    for (const spec of specs) await http().post('/durex/commands').send(spec).expect(201);

    // render: 2 of its cluster-wide 2 (under its per-process 3); report: its per-process 1; callPartner: 1.
    // Together the global 4 of this process, so nothing else can start while the gate is shut.
    const busy = await waitFor(async () => {
      const body = await stats();
      return body.running === 4 && body.started === 4 && body.rateLimit.globalCurrent === 4 ? body : undefined;
    }, { description: 'four attempts running' });
    expect(busy).toMatchObject({ running: 4, started: 4, pending: 2, queueSize: 2, workerCount: 8 });
    expect(busy.rateLimit).toEqual({
      globalLimit: 4,
      globalCurrent: 4,
      commands: { render: { limit: 3, current: 2 }, report: { limit: 1, current: 1 } },
    });
    expect(busy.clusterLimits).toEqual({
      commands: {
        callPartner: { concurrency: null, rateLimit: { max: 5, per: 60_000 }, running: 1 },
        elsewhere: { concurrency: null, rateLimit: { max: 10, per: 1_000 }, running: 0 },
        render: { concurrency: 2, rateLimit: null, running: 2 },
        report: { concurrency: 5, rateLimit: null, running: 1 },
      },
      concurrencyKeyLimit: 2,
    });

    app.get(Gate).open();
    const idle = await waitFor(async () => {
      const body = await stats();
      return body.completed === 6 && body.running === 0 && body.rateLimit.globalCurrent === 0 ? body : undefined;
    }, { description: 'all six completed and their slots freed' });
    expect(idle).toMatchObject({ started: 0, pending: 0 });
    expect(idle.rateLimit).toEqual({
      globalLimit: 4,
      globalCurrent: 0,
      commands: { render: { limit: 3, current: 0 }, report: { limit: 1, current: 0 } },
    });
    expect(Object.values(idle.clusterLimits.commands).map((limit) => limit.running)).toEqual([0, 0, 0, 0]);
  });
});
