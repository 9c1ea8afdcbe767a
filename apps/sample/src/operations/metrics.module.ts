import type { ServerResponse } from 'node:http';
import { Controller, Get, Module, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusMetrics } from 'nestjs-durex/prometheus';

/** Serves the metrics for Prometheus to scrape. Not an API for people, so it stays out of the OpenAPI document. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly prometheus: PrometheusMetrics) {}

  @Get()
  metrics(@Res({ passthrough: true }) response: ServerResponse): Promise<string> {
    response.setHeader('Content-Type', this.prometheus.contentType);
    return this.prometheus.metrics();
  }
}

/**
 * durex's execution metrics (started, completed, failed and retried commands, durations, queue size)
 * in a registry of their own, and the `/metrics` route that serves them. DurexModule's factory
 * injects the same {@link PrometheusMetrics} as its `metrics` collector.
 */
@Module({
  providers: [{ provide: PrometheusMetrics, useFactory: () => new PrometheusMetrics() }],
  controllers: [MetricsController],
  exports: [PrometheusMetrics],
})
export class MetricsModule {}
