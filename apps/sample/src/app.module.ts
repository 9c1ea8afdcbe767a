import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { DurexModule } from 'nestjs-durex';
import { PrometheusMetrics } from 'nestjs-durex/prometheus';
import { DataSource } from 'typeorm';
import { DatabaseModule } from './database/database.module.js';
import { MetricsModule } from './operations/metrics.module.js';
import { OperationsModule } from './operations/operations.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { TraceMiddleware } from './tracing/trace.middleware.js';
import { WorkflowModule } from './workflow/workflow.module.js';

/** The order service: the orders API, its durable workflow, and the operations surface. */
@Module({
  imports: [
    DatabaseModule,
    // durex on the application's own DataSource: orders and their workflow commit together.
    DurexModule.forRootAsync({
      imports: [MetricsModule],
      inject: [DataSource, PrometheusMetrics],
      useFactory: (dataSource: DataSource, metrics: PrometheusMetrics) => ({
        storage: { type: 'typeorm', dataSource },
        // DatabaseModule runs DUREX_MIGRATIONS with the application's migrations.
        migrate: false,
        parallelism: 8,
        // Per process: at most two emails sending at once here. The provider's rate, which holds
        // across processes, is the command's own `rateLimit`.
        rateLimits: { sendOrderEmail: 2 },
        permanentCommands: ['cleanupAbandonedOrders'],
        gracefulShutdown: 10_000,
        metrics,
      }),
    }),
    OrdersModule,
    WorkflowModule,
    OperationsModule,
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TraceMiddleware).forRoutes('*path');
  }
}
