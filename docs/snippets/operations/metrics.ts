import { Controller, Get, Header, Module } from '@nestjs/common';
import { DurexModule } from 'nestjs-durex';
import { PrometheusMetrics } from 'nestjs-durex/prometheus';
import { register } from 'prom-client';

/** On prom-client's global registry, so /metrics serves durex's series with the application's own. */
const durexMetrics = new PrometheusMetrics({ registry: register, namespace: 'durex' });

@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}

@Module({
  imports: [
    DurexModule.forRoot({
      storage: { type: 'postgres', url: process.env.DATABASE_URL! },
      metrics: durexMetrics,
      metricsInterval: 5_000, // how often durex_queue_size is measured
    }),
  ],
  controllers: [MetricsController],
})
export class AppModule {}
