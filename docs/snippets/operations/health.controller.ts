import { Controller, Get, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { DurexModule, minutes } from 'nestjs-durex';
import { DurexHealthIndicator, DurexHealthModule } from 'nestjs-durex/health';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly durex: DurexHealthIndicator,
  ) {}

  /** Liveness: storage answers within 1 s and the executor is running. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.durex.isHealthy('durex')]);
  }

  /** Readiness with thresholds: 503 with a `reason` when one is exceeded. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () =>
        this.durex.isHealthy('durex', {
          maxPendingAgeMs: minutes(5), // the oldest ready PENDING instance has waited at most 5 min
          maxStuck: 0, // no STARTED instance holds an expired lease
          maxDeadLetters: 100, // the dead letter queue is not piling up
          timeout: 2_000, // for the ping, then for the measurements
        }),
    ]);
  }
}

@Module({
  imports: [DurexModule.forRoot({ storage: { type: 'sqlite', database: 'durex.db' } }), DurexHealthModule],
  controllers: [HealthController],
})
export class AppModule {}
