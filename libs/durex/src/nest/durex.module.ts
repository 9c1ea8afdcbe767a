import { type DynamicModule, Module, type Provider, Scope } from '@nestjs/common';
import { DiscoveryModule, REQUEST } from '@nestjs/core';
import type { DurexJobRequest } from './interfaces/durex-job-request.interface.js';
import { Executor } from '../engine/executor.js';
import { DurexClient } from './durex.client.js';
import { DUREX_INSTANCE, DUREX_MODULE_OPTIONS, DUREX_STORAGE } from './durex.constants.js';
import { DurexExplorer } from './durex.explorer.js';
import { ConfigurableModuleClass } from './durex.module-definition.js';
import { DurexOrchestrator } from './durex.orchestrator.js';
import { createExecutorProvider, createStorageProviders } from './durex.providers.js';
import type { DurexModuleAsyncOptions } from './interfaces/durex-module-options.interface.js';

/** The job of the current per-job DI sub-tree, taken from the `REQUEST` the explorer registered. */
const instanceProvider: Provider = {
  provide: DUREX_INSTANCE,
  scope: Scope.REQUEST,
  inject: [REQUEST],
  useFactory: (request: DurexJobRequest) => request.instance,
};

/**
 * durex in a Nest application: opens the storage, runs the executor for the application's lifetime,
 * registers every `@Command` provider, and provides `DurexClient` (and the `Executor`) everywhere.
 *
 * ```ts
 * @Module({
 *   imports: [DurexModule.forRoot({ storage: { type: 'sqlite', database: 'durex.db' }, parallelism: 4 })],
 *   providers: [SendEmailCommand, MailService],
 * })
 * export class AppModule {}
 * ```
 *
 * The module is global unless `isGlobal: false`. With `forRootAsync` the options come from a factory:
 * `DurexModule.forRootAsync({ imports: [ConfigModule], inject: [ConfigService], useFactory: (config) => ({ … }) })`.
 *
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule],
  providers: [...createStorageProviders(), createExecutorProvider(), instanceProvider, DurexClient, DurexExplorer, DurexOrchestrator],
  exports: [DurexClient, Executor, DUREX_STORAGE, DUREX_MODULE_OPTIONS, DUREX_INSTANCE],
})
export class DurexModule extends ConfigurableModuleClass {
  /**
   * Configures durex from a factory (`useFactory` + `inject`, `useClass` or `useExisting`).
   *
   * @param options the factory, the modules it needs, `extraProviders` and `isGlobal`
   */
  static override forRootAsync(options: DurexModuleAsyncOptions): DynamicModule {
    const { extraProviders = [], ...asyncOptions } = options;
    // ConfigurableModuleBuilder has no extra providers for async factories; append them here.
    const definition = super.forRootAsync(asyncOptions);
    return { ...definition, providers: [...(definition.providers ?? []), ...extraProviders] };
  }
}
