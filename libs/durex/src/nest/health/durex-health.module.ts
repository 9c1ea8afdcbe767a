import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DurexHealthIndicator } from './durex.health.js';

/**
 * Provides {@link DurexHealthIndicator} (and re-exports `TerminusModule`, so `HealthCheckService` is
 * at hand too). Needs `DurexModule` registered globally (its default) and `@nestjs/terminus`.
 *
 * ```ts
 * @Module({ imports: [DurexModule.forRoot({ … }), DurexHealthModule], controllers: [HealthController] })
 * export class AppModule {}
 * ```
 *
 * @publicApi
 */
@Module({
  imports: [TerminusModule],
  providers: [DurexHealthIndicator],
  exports: [DurexHealthIndicator, TerminusModule],
})
export class DurexHealthModule {}
