import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Executor } from '../engine/executor.js';
import { DUREX_MODULE_OPTIONS, DUREX_STORAGE_REF } from './durex.constants.js';
import type { StorageRef } from './durex.providers.js';
import type { DurexModuleOptions } from './interfaces/durex-module-options.interface.js';

/**
 * Starts the executor once every handler is registered, and stops it before the application's
 * resources go away.
 *
 * Why the shutdown is split over two hooks: Nest runs `beforeApplicationShutdown` in every module
 * before `onApplicationShutdown` in any. `@nestjs/typeorm` destroys a shared DataSource in its own
 * `onApplicationShutdown`, so draining there would race it and in-flight handlers would lose their
 * database mid-write. Draining in `beforeApplicationShutdown` finishes (or hands back) every running
 * attempt while the database is still there; closing the storage durex itself opened waits for
 * `onApplicationShutdown`, after every module has drained.
 */
@Injectable()
export class DurexOrchestrator implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    private readonly executor: Executor,
    @Inject(DUREX_MODULE_OPTIONS) private readonly options: DurexModuleOptions,
    @Inject(DUREX_STORAGE_REF) private readonly storage: StorageRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.autoStart ?? true) await this.executor.start();
  }

  /** Stops claiming, lets running attempts finish for `gracefulShutdown` ms, then aborts them and hands them back as PENDING. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.executor.stop();
  }

  /**
   * Closes the storage only when durex opened it; a storage object passed in belongs to its owner,
   * and so does a `typeorm` DataSource (closing durex's storage over it leaves it open).
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.storage.owned) await this.storage.storage.close();
  }
}
