import { DiscoveryService } from '@nestjs/core';
import type { ExpiredFn } from '../../engine/command-context.js';

/** The discoverable decorator behind `@Expired`; the explorer reads it per method. */
export const ExpiredDiscoverable = DiscoveryService.createDecorator<true>();

/**
 * Marks the method of a `@Command` class that runs instead of `execute` when the command's deadline
 * passed before it could start. It receives the instance and a context and may return a Result
 * (its children inherit parent, trace and correlation). At most one method per class.
 *
 * ```ts
 * @Expired()
 * async onExpired(cmd: Instance<EmailData>) { … }
 * ```
 *
 * @publicApi
 */
export const Expired: (() => <F extends ExpiredFn<never>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<F>) => void) & {
  /** The metadata key the marked method carries. */
  readonly KEY: string;
} = Object.assign(() => ExpiredDiscoverable(true), { KEY: ExpiredDiscoverable.KEY });
