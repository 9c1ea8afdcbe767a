import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { loadDatabaseConfig } from './config/database.config.js';
import { SERVER_CONFIG } from './config/server.config.js';
import { mountOpenApi } from './operations/openapi.js';
import { OPERATIONS_LINKS } from './operations/operations.links.js';

/** Starts the order service and says where to find it. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  mountOpenApi(app);
  // SIGINT/SIGTERM close the application: durex drains running commands before the DataSource closes.
  app.enableShutdownHooks();
  const { port, host } = SERVER_CONFIG;
  await app.listen(port, host);

  const base = `http://${['0.0.0.0', '::', '127.0.0.1', '::1'].includes(host) ? 'localhost' : host}:${port}`;
  const database = loadDatabaseConfig();
  const logger = new Logger('OrderService');
  logger.log(`Listening on ${host}:${port}, ${database.type === 'sqlite' ? `SQLite file ${database.file}` : 'PostgreSQL (DATABASE_URL)'}`);
  logger.log(`Orders API   ${base}/orders`);
  for (const { label, path } of OPERATIONS_LINKS) logger.log(`${label.padEnd(12)} ${base}${path}`);
}

await bootstrap();
