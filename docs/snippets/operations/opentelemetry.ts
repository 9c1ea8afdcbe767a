import { Module } from '@nestjs/common';
import { DurexModule } from 'nestjs-durex';
import { openTelemetry } from 'nestjs-durex/opentelemetry';

// Register your OpenTelemetry SDK (tracer provider, exporter, context manager) before Nest starts;
// openTelemetry() uses the global tracer provider unless given a tracer.
@Module({
  imports: [
    DurexModule.forRoot({
      storage: { type: 'postgres', url: process.env.DATABASE_URL! },
      instrumentations: [openTelemetry()],
    }),
  ],
})
export class AppModule {}
