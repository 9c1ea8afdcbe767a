import type { DynamicModule, INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { type DurexModuleOptions, DurexModule, Executor } from 'nestjs-durex';
import { DurexAdminModule } from 'nestjs-durex/admin';
import request from 'supertest';
import { afterEach, beforeEach, expect } from 'vitest';
import { openTestStorage, type StorageKind, type TestStorage } from '../support/storages.js';

/*
 * Real HTTP applications for the operations-surface suites (admin, health, metrics, logs): a Nest
 * app on an ephemeral server with every log line captured.
 */

/** A Nest logger that keeps every line, so tests can assert on what was logged. */
export class CapturingLogger implements LoggerService {
  readonly lines: { level: string; message: string; context?: string; trace?: string }[] = [];
  log(message: string, context?: string): void { this.lines.push({ level: 'log', message, context }); }
  warn(message: string, context?: string): void { this.lines.push({ level: 'warn', message, context }); }
  error(message: string, trace?: string, context?: string): void { this.lines.push({ level: 'error', message, trace, context }); }
  debug(message: string, context?: string): void { this.lines.push({ level: 'debug', message, context }); }
  verbose(message: string, context?: string): void { this.lines.push({ level: 'verbose', message, context }); }

  /** The lines written under one context (`DurexAdmin`, `Durex`). */
  of(context: string): { level: string; message: string; trace?: string }[] {
    return this.lines.filter((line) => line.context === context);
  }
}

/** An initialised application. */
export interface TestApp {
  app: INestApplication;
  executor: Executor;
  logger: CapturingLogger;
  /** A supertest agent on the app's HTTP server. */
  http: () => ReturnType<typeof request>;
}

/** Options that keep the executor quick and its background tasks out of the way. */
const QUICK: Partial<DurexModuleOptions> = { pollInterval: 20, stuckRecovery: false, cleanup: false, gracefulShutdown: 1_000 };

/** `DurexModule.forRoot` for tests: memory storage unless given, quick polling, no background tasks. */
export function durexForTest(options: Partial<DurexModuleOptions> = {}): DynamicModule {
  return DurexModule.forRoot({ storage: { type: 'memory' }, ...QUICK, ...options });
}

/** Compiles, creates and initialises an HTTP application; `override` may change the module first (`overrideGuard`). */
export async function createTestApp(
  metadata: ModuleMetadata,
  override: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
): Promise<TestApp> {
  const module = await override(Test.createTestingModule(metadata)).compile();
  const logger = new CapturingLogger();
  const app = module.createNestApplication({ logger });
  await app.init();
  return { app, executor: app.get(Executor), logger, http: () => request(app.getHttpServer()) };
}

export interface AdminAppOptions {
  durex?: Partial<DurexModuleOptions>;
  /** The admin registration. @default DurexAdminModule.register() (on /durex, without a guard) */
  admin?: DynamicModule;
  providers?: ModuleMetadata['providers'];
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** An application with durex and the admin API. The caller closes `app`. */
export function createAdminApp(options: AdminAppOptions = {}): Promise<TestApp> {
  return createTestApp(
    { imports: [durexForTest(options.durex), options.admin ?? DurexAdminModule.register()], providers: options.providers ?? [] },
    options.override,
  );
}

/**
 * Per test: a fresh storage of `kind`, and an application built on it by `build`; both are closed
 * after the test. Returns the current one.
 */
export function useTestApp(kind: StorageKind, build: (storage: TestStorage['storage']) => ModuleMetadata): () => TestApp & { storage: TestStorage } {
  let current: (TestApp & { storage: TestStorage }) | undefined;

  beforeEach(async () => {
    const storage = await openTestStorage(kind, expect.getState().currentTestName ?? 'operations');
    try {
      current = { ...(await createTestApp(build(storage.storage))), storage };
    } catch (error) {
      await storage.dispose();
      throw error;
    }
  });

  afterEach(async () => {
    const running = current;
    current = undefined;
    await running?.app.close();
    await running?.storage.dispose();
  });

  return () => {
    if (!current) throw new Error('useTestApp: no application outside a test');
    return current;
  };
}

/** Fails when an error body carries a stack trace or file paths. */
export function expectNoInternals(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\bstack\b|\n\s+at |\bat .+\.(?:ts|js):\d+|node_modules|\/work\//);
}
