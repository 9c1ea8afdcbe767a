import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Command, type CommandHandler, DurexClient, Status } from 'nestjs-durex';
import { DurexHealthIndicator, DurexHealthModule } from 'nestjs-durex/health';
import { durexForTest, useTestApp } from '../admin/http-app.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly durex: DurexHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.durex.isHealthy()]);
  }

  @Get('backlog')
  @HealthCheck()
  backlog() {
    return this.health.check([() => this.durex.isHealthy('durex', { maxPendingAgeMs: 50 })]);
  }

  @Get('failures')
  @HealthCheck()
  failures() {
    return this.health.check([() => this.durex.isHealthy('durex', { maxDeadLetters: 0, maxStuck: 0 })]);
  }
}

@Command('fails')
class FailsCommand implements CommandHandler {
  execute(): void {
    throw new Error('always');
  }
}

describe.each(STORAGE_KINDS)('DurexHealthIndicator over HTTP on %s storage', (kind) => {
  const current = useTestApp(kind, (storage) => ({
    imports: [durexForTest({ storage, deadLetterQueue: true, commands: ['elsewhere'] }), DurexHealthModule],
    controllers: [HealthController],
    providers: [FailsCommand],
  }));

  it('answers 200 with durex up', async () => {
    const { body } = await current().http().get('/health').expect(200);
    expect(body).toEqual({
      status: 'ok',
      info: { durex: { status: 'up', storage: 'up', executor: 'running' } },
      error: {},
      details: { durex: { status: 'up', storage: 'up', executor: 'running' } },
    });
  });

  it('answers 503 with the reason when storage is closed', async () => {
    await current().storage.storage.close();
    const { body } = await current().http().get('/health').expect(503);
    expect(body.status).toBe('error');
    expect(body.error.durex).toMatchObject({ status: 'down', storage: 'down' });
    expect(body.error.durex.reason).toMatch(/^durex storage is unreachable: /);
  });

  it('answers 503 when the backlog is older than maxPendingAgeMs, and 200 while it is young', async () => {
    await current().http().get('/health/backlog').expect(200);
    await current().app.get(DurexClient).add({ name: 'elsewhere' });
    const { body } = await waitFor(
      async () => {
        const response = await current().http().get('/health/backlog');
        return response.status === 503 ? response : undefined;
      },
      { description: 'the backlog threshold breached' },
    );
    expect(body.error.durex).toMatchObject({ status: 'down', storage: 'up', executor: 'running' });
    expect(body.error.durex.pendingAgeMs).toBeGreaterThan(50);
    expect(body.error.durex.reason).toContain('over maxPendingAgeMs 50');
  });

  it('answers 503 when instances are dead-lettered or stuck', async () => {
    const ok = await current().http().get('/health/failures').expect(200);
    expect(ok.body.info.durex).toMatchObject({ stuck: 0, deadLetters: 0 });

    const client = current().app.get(DurexClient);
    const failed = await client.add({ name: 'fails' });
    await waitFor(async () => (await client.get(failed.id)).status === Status.DEAD_LETTER, { description: 'dead-lettered' });
    // A claim by a worker that then "dies": its one-millisecond lease runs out and nobody renews it.
    await client.add({ name: 'elsewhere' });
    await current().storage.storage.claim({ owner: 'dead-worker', limit: 1, leaseMs: 1, now: new Date(), names: ['elsewhere'] });
    const { body } = await waitFor(
      async () => {
        const response = await current().http().get('/health/failures');
        return response.body.error?.durex?.stuck === 1 ? response : undefined;
      },
      { description: 'the expired lease seen' },
    );
    expect(body.status).toBe('error');
    expect(body.error.durex).toMatchObject({ status: 'down', deadLetters: 1, stuck: 1 });
    expect(body.error.durex.reason).toContain('1 instances are in the dead letter queue, over maxDeadLetters 0');
    expect(body.error.durex.reason).toContain('1 STARTED instances hold expired leases, over maxStuck 0');
  });
});
