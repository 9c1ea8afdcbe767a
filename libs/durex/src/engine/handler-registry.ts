import type { BackoffStrategy } from '../core/backoff.js';
import { DuplicateHandlerError } from '../core/errors/duplicate-handler.error.js';
import { InvalidCommandHandlerError } from '../core/errors/invalid-command-handler.error.js';
import { UnknownCommandError } from '../core/errors/unknown-command.error.js';
import type { CommandData } from '../core/json.js';
import { assertCommandName, type SpecDefaults } from '../core/spec.js';
import type { RateWindow } from '../storage/storage.interface.js';
import type { ExecuteFn, ExpiredFn, RecoverFn } from './command-context.js';
import { assertConcurrency, assertRateWindow } from './executor-options.js';
import { scheduleCommandName, type ScheduleOptions } from './schedules.js';

/**
 * A command handler as the engine sees it: what `@Command` classes, `executor.handle()` and
 * `defineCommand()` all become.
 *
 * @publicApi
 */
export interface CommandDefinition<T = CommandData> {
  name: string;
  execute: ExecuteFn<T>;
  recover?: RecoverFn<T>;
  expired?: ExpiredFn<T>;
  /** Spec defaults for instances of this command (the reference's `Defaulter`). */
  defaults?: SpecDefaults;
  /** Delay before this command's retries; the executor's `backoff` when absent. */
  backoff?: BackoffStrategy;
  /** Checks `data` at enqueue time; throw (an `InvalidSpecError`) to reject before anything is stored. */
  validate?: (data: unknown) => void | Promise<void>;
  /** Where the handler came from, for error messages (a class name). */
  source?: string;
  /** Runs the command on a cron schedule, one instance per tick across every process. */
  schedule?: ScheduleOptions & { cron: string };
  /** Most instances STARTED at once across every process; the executor's `concurrency` overrides it. */
  concurrency?: number;
  /** Most starts in any window of `per` ms across every process; the executor's `rateLimit` overrides it. */
  rateLimit?: RateWindow;
}

/** Options of a function handler. @publicApi */
export type HandleOptions<T = CommandData> = SpecDefaults & {
  backoff?: BackoffStrategy;
  schedule?: CommandDefinition['schedule'];
  concurrency?: number;
  rateLimit?: RateWindow;
  recover?: RecoverFn<T>;
  expired?: ExpiredFn<T>;
  validate?: (data: unknown) => void | Promise<void>;
};

/**
 * Builds a function handler (the reference's `NewFunc` / `NewTyped`): the payload type is the
 * handler's parameter.
 *
 * @publicApi
 */
export function defineCommand<T = CommandData>(name: string, execute: ExecuteFn<T>, options: HandleOptions<T> = {}): CommandDefinition<T> {
  const { recover, expired, validate, backoff, schedule, concurrency, rateLimit, ...defaults } = options;
  return { name, execute, recover, expired, validate, backoff, schedule, concurrency, rateLimit, defaults, source: `function handler "${name}"` };
}

/**
 * Command name → handler (the reference's `Registry`). Registering a name twice is an error that
 * names both handlers.
 *
 * @publicApi
 */
export class HandlerRegistry {
  private readonly handlers = new Map<string, CommandDefinition>();
  private readonly internal = new Set<string>();

  register<T>(definition: CommandDefinition<T>): void {
    assertValidDefinition(definition);
    const existing = this.handlers.get(definition.name);
    if (existing) {
      throw new DuplicateHandlerError(definition.name, existing.source ?? 'a handler', definition.source ?? 'another handler');
    }
    this.handlers.set(definition.name, definition as CommandDefinition);
  }

  /** Registers one of durex's own commands: claimed like any other, but not listed among the application's names. */
  registerInternal<T>(definition: CommandDefinition<T>): void {
    if (this.handlers.has(definition.name)) return;
    this.handlers.set(definition.name, definition as CommandDefinition);
    this.internal.add(definition.name);
  }

  /** Registers, replacing any handler of the same name (the reference's `MustRegister`): for tests. */
  replace<T>(definition: CommandDefinition<T>): void {
    assertValidDefinition(definition);
    this.handlers.set(definition.name, definition as CommandDefinition);
  }

  /** The handler of a name; throws `UnknownCommandError` listing the known names. */
  resolve(name: string): CommandDefinition {
    const handler = this.handlers.get(name);
    if (!handler) throw new UnknownCommandError(name, this.names());
    return handler;
  }

  get(name: string): CommandDefinition | undefined {
    return this.handlers.get(name);
  }

  has(name: string): boolean {
    return this.handlers.has(name);
  }

  /** The application's command names. */
  names(): string[] {
    return [...this.handlers.keys()].filter((name) => !this.internal.has(name)).sort();
  }

  /**
   * The cluster-wide limits of these names: the executor's options override the commands' own.
   * Only names with a limit appear.
   */
  clusterLimits(
    names: readonly string[],
    options: { concurrency: Readonly<Record<string, number>>; rateLimit: Readonly<Record<string, RateWindow>> },
  ): { concurrency: Record<string, number>; rate: Record<string, RateWindow> } {
    const concurrency: Record<string, number> = {};
    const rate: Record<string, RateWindow> = {};
    for (const name of names) {
      const handler = this.handlers.get(name);
      const cap = options.concurrency[name] ?? handler?.concurrency;
      const window = options.rateLimit[name] ?? handler?.rateLimit;
      if (cap !== undefined) concurrency[name] = cap;
      if (window !== undefined) rate[name] = window;
    }
    return { concurrency, rate };
  }

  /** Every name this process may claim: the application's and durex's own. */
  claimableNames(): string[] {
    return [...this.handlers.keys()].sort();
  }

  count(): number {
    return this.handlers.size - this.internal.size;
  }

  /** Removes a handler, and with it the claiming of its schedules in this process. */
  unregister(name: string): boolean {
    this.handlers.delete(scheduleCommandName(name));
    this.internal.delete(scheduleCommandName(name));
    return this.handlers.delete(name);
  }


  /** Removes the application's handlers; durex's own stay. */
  clear(): void {
    for (const name of this.names()) this.handlers.delete(name);
  }
}

function assertValidDefinition(definition: CommandDefinition<never>): void {
  assertCommandName(definition.name, `the name of ${definition.source ?? 'a handler'}`);
  if (typeof definition.execute !== 'function') {
    throw new InvalidCommandHandlerError(`${definition.source ?? `handler "${definition.name}"`} has no execute function`);
  }
  const of = `of ${definition.source ?? `handler "${definition.name}"`}`;
  if (definition.concurrency !== undefined) assertConcurrency(`concurrency ${of}`, definition.concurrency);
  if (definition.rateLimit !== undefined) assertRateWindow(`rateLimit ${of}`, definition.rateLimit);
}
