import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DurexHealthIndicator } from 'nestjs-durex/health';

/** How long the oldest ready command may wait before the service reports itself down: workers are stalled. */
const MAX_PENDING_AGE_MS = 5 * 60_000;

/** Health for load balancers and orchestrators: 200 when every check is up, 503 naming the ones that are not. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly durex: DurexHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(1_500),
      () => this.durex.isHealthy('durex', { maxPendingAgeMs: MAX_PENDING_AGE_MS }),
    ]);
  }
}
