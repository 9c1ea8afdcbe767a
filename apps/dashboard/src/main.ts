import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { loadDashboardConfig } from './dashboard.config.js';
import { DASHBOARD_PATH } from './dashboard.routes.js';

/** Opens the durex database named by the environment and serves the dashboard over it. */
async function bootstrap(): Promise<void> {
  const config = loadDashboardConfig();
  const app = await NestFactory.create(AppModule.register(config));
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);

  const { port } = app.getHttpServer().address() as { port: number };
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host;
  const database = config.storage.type === 'sqlite' ? `SQLite file ${config.storage.database}` : `PostgreSQL (DATABASE_URL), schema ${config.storage.schema ?? 'public'}`;
  const logger = new Logger('DurexDashboard');
  logger.log(`Serving ${database} on ${config.host}:${port}${config.credentials ? `, for user ${config.credentials.user}` : ''}`);
  logger.log(`Dashboard  http://${host}:${port}/${DASHBOARD_PATH}/`);
}

await bootstrap();
