import type { Type } from '@nestjs/common';
import type { BackoffStrategy } from '../../core/backoff.js';
import type { SpecDefaults } from '../../core/spec.js';

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
}

/** What `@Command` stores on a handler class. @publicApi */
export interface CommandMetadata {
  /** The command name. */
  name: string;
  options: CommandOptions;
}
