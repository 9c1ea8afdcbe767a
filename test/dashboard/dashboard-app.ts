import type { DynamicModule, INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DurexAdminModule } from 'nestjs-durex/admin';
import { DurexDashboardModule } from 'nestjs-durex/dashboard';
import { CapturingLogger, durexForTest } from '../admin/http-app.js';

/*
 * Real HTTP applications for the dashboard suites: durex, the admin API and the dashboard under a
 * global prefix (the page must find its files and the API relative to where it is served), listening
 * on an ephemeral port of the loopback interface.
 */

/** The global prefix every dashboard suite mounts under, to prove the page does not assume '/'. */
export const GLOBAL_PREFIX = 'api';

/** A listening application. */
export interface DashboardApp {
  app: INestApplication;
  logger: CapturingLogger;
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  origin: string;
}

export interface DashboardAppOptions {
  /** @default durexForTest() */
  durex?: DynamicModule;
  /** @default DurexAdminModule.register() */
  admin?: DynamicModule;
  /** @default DurexDashboardModule.register() */
  dashboard?: DynamicModule;
  providers?: ModuleMetadata['providers'];
}

/** Compiles, starts and listens; the caller closes `app`. */
export async function startDashboardApp(options: DashboardAppOptions = {}): Promise<DashboardApp> {
  const module = await Test.createTestingModule({
    imports: [options.durex ?? durexForTest(), options.admin ?? DurexAdminModule.register(), options.dashboard ?? DurexDashboardModule.register()],
    providers: options.providers ?? [],
  }).compile();
  const logger = new CapturingLogger();
  const app = module.createNestApplication({ logger });
  app.setGlobalPrefix(GLOBAL_PREFIX);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, logger, origin: `http://127.0.0.1:${address.port}` };
}
