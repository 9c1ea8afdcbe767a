import type { Scope, Type } from '@nestjs/common';
import type { BackoffStrategy } from '../../core/backoff.js';
import type { MissedTicksPolicy } from '../../engine/schedules.js';
import type { SpecDefaults } from '../../core/spec.js';
import type { RateWindow } from '../../storage/storage.interface.js';

/**
 * The options of `@Command(name, options)`: defaults for every instance of the command (the
 * reference's `Defaulter`; a spec's own fields win), plus an optional payload DTO.
 *
 * @publicApi
 */
export interface CommandOptions extends SpecDefaults {
  /**
   * A class-validator DTO class. At enqueue time the payload is turned into an instance of it with
   * class-transformer's `plainToInstance` and checked with `validate` (`whitelist` and
   * `forbidNonWhitelisted`, so unknown properties are rejected too). A payload that fails throws
   * `InvalidSpecError` listing every violation, before anything is stored. Needs the
   * `class-validator` and `class-transformer` packages.
   */
  validate?: Type<object>;
  /** Delay before this command's retries, such as `exponentialBackoff(...)`; the module's `backoff` when absent. */
  backoff?: BackoffStrategy;
  /**
   * Most instances of this command STARTED at once across every process sharing the storage. The
   * module's `concurrency` option, when it names this command, overrides it.
   */
  concurrency?: number;
  /**
   * Most starts of this command in any window of `per` ms across every process, such as
   * `{ max: 100, per: 60_000 }`. The module's `rateLimit` option, when it names this command, overrides it.
   */
  rateLimit?: RateWindow;
  /**
   * Runs the command on this cron schedule (croner syntax; 5 to 7 fields), exactly one instance per
   * tick across every process sharing the storage. The schedule is named after the command.
   */
  cron?: string;
  /** The IANA time zone `cron` is read in, such as 'Europe/Paris'. @default the process's zone */
  timezone?: string;
  /** Ticks missed while no process ran: skipped, or the latest `catchUp` run once. @default 'skip' */
  missed?: MissedTicksPolicy;
  /** A tick started at most this late is on time, not missed. @default 60000 */
  grace?: number;
  /**
   * `Scope.REQUEST` gives every job its own handler instance and DI sub-tree, with the job
   * injectable through `@InjectInstance()`. A handler that depends on a request-scoped provider is
   * per-job without it. @default Scope.DEFAULT (one handler for all jobs)
   */
  scope?: Scope;
}

/** What `@Command` stores on a handler class. @publicApi */
export interface CommandMetadata {
  /** The command name. */
  name: string;
  options: CommandOptions;
}
