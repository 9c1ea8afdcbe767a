import { DiscoveryService } from '@nestjs/core';
import type { RecoverFn } from '../../engine/command-context.js';

/** The discoverable decorator behind `@Recover`; the explorer reads it per method. */
export const RecoverDiscoverable = DiscoveryService.createDecorator<true>();

/**
 * Marks the method of a `@Command` class that runs once the command has failed for good (its
 * retries are spent, or it threw `PermanentError`). It receives the instance, the last error and a
 * context, and may return a Result: `Result.next(...)` children inherit the parent, trace and
 * correlation ids like any child. At most one method per class.
 *
 * ```ts
 * @Recover()
 * async onFailure(cmd: Instance<EmailData>, err: Error) {
 *   return Result.next({ name: 'notifyFailure', data: { error: err.message } });
 * }
 * ```
 *
 * @publicApi
 */
export const Recover: (() => <F extends RecoverFn<never>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<F>) => void) & {
  /** The metadata key the marked method carries. */
  readonly KEY: string;
} = Object.assign(() => RecoverDiscoverable(true), { KEY: RecoverDiscoverable.KEY });
