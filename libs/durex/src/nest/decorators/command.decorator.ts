import { SetMetadata } from '@nestjs/common';
import { SCOPE_OPTIONS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService } from '@nestjs/core';
import type { CommandMetadata, CommandOptions } from '../interfaces/command-options.interface.js';

/**
 * The discoverable decorator behind `@Command`: Nest indexes the classes carrying it, so the
 * explorer finds handlers with `getProviders({ metadataKey })` instead of scanning every provider.
 */
export const CommandDiscoverable = DiscoveryService.createDecorator<CommandMetadata>();

/**
 * Marks a provider class as the handler of a command. The class implements `CommandHandler<T>`,
 * is listed in a module's `providers`, and is found and registered when the application starts.
 * Each command name has exactly one handler in a process; a second one fails bootstrap.
 *
 * ```ts
 * @Command('sendEmail', { retries: 3, timeout: 10_000, validate: SendEmailDto })
 * export class SendEmailCommand implements CommandHandler<EmailData> { … }
 * ```
 *
 * @param name the command name specs refer to
 * @param options defaults for every instance of the command, and an optional payload DTO
 * @publicApi
 */
export const Command: ((name: string, options?: CommandOptions) => ClassDecorator) & {
  /** The metadata key handler classes are indexed by. */
  readonly KEY: string;
} = Object.assign(
  (name: string, options: CommandOptions = {}): ClassDecorator =>
    (target) => {
      CommandDiscoverable({ name, options })(target);
      // `scope` works like @Injectable({ scope }), so `@Command(name, { scope: Scope.REQUEST })` alone makes a per-job handler.
      if (options.scope !== undefined) SetMetadata(SCOPE_OPTIONS_METADATA, { scope: options.scope })(target);
    },
  { KEY: CommandDiscoverable.KEY },
);
