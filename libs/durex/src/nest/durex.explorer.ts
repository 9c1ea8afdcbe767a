import { Injectable, type OnModuleInit, Scope, type Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { InvalidCommandHandlerError } from '../core/errors/invalid-command-handler.error.js';
import { InvalidSpecError } from '../core/errors/invalid-spec.error.js';
import type { CommandData } from '../core/json.js';
import { validateSpec } from '../core/spec.js';
import type { ExecuteFn, ExpiredFn, RecoverFn } from '../engine/command-context.js';
import { Executor } from '../engine/executor.js';
import { CommandDiscoverable } from './decorators/command.decorator.js';
import { ExpiredDiscoverable } from './decorators/expired.decorator.js';
import { OnDurexEventDiscoverable } from './decorators/on-durex-event.decorator.js';
import { RecoverDiscoverable } from './decorators/recover.decorator.js';
import type { DurexEventListener } from '../engine/lifecycle-events.js';
import {
  duplicateMethodDecoratorMessage,
  invalidDtoMessage,
  missingExecuteMessage,
  nonStaticHandlerMessage,
  nonStaticListenerMessage,
  payloadRejectedMessage,
} from './durex.messages.js';
import type { CommandMetadata } from './interfaces/command-options.interface.js';

/** A handler instance as the explorer sees it: `execute`, plus the methods decorators point at. */
type HandlerInstance = Record<string, unknown> & { execute?: unknown };

/**
 * Finds the `@Command` providers when the application initialises, checks them, and registers them
 * in the executor bound to their Nest-created instances (so constructor injection works). Every
 * problem fails bootstrap: a handler that is skipped would strand its commands in the queue.
 */
@Injectable()
export class DurexExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly executor: Executor,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: CommandDiscoverable.KEY })) this.register(wrapper);
    for (const wrapper of this.discovery.getProviders()) this.subscribeListeners(wrapper);
  }

  /** Subscribes every `@OnDurexEvent` method of a provider to the executor's lifecycle events. */
  private subscribeListeners(wrapper: InstanceWrapper): void {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || typeof instance !== 'object') return;
    const proto = Object.getPrototypeOf(instance) as object | null;
    if (!proto || proto === Object.prototype) return;
    for (const method of this.scanner.getAllMethodNames(proto)) {
      const type = this.discovery.getMetadataByDecorator(OnDurexEventDiscoverable, wrapper, method);
      if (type === undefined) continue;
      const className = instance.constructor?.name ?? String(wrapper.name);
      const nonStatic = nonStaticReason(wrapper);
      if (nonStatic) throw new InvalidCommandHandlerError(nonStaticListenerMessage(className, method, nonStatic));
      this.executor.on(type, (instance[method] as DurexEventListener).bind(instance));
    }
  }

  private register(wrapper: InstanceWrapper): void {
    const instance = wrapper.instance as HandlerInstance | undefined;
    // NOTE: for a `useFactory` provider `metatype` is the factory, so the class comes from the instance.
    const handlerClass = (instance?.constructor ?? wrapper.metatype) as Type | undefined;
    const className = handlerClass?.name || String(wrapper.name);
    const metadata = this.discovery.getMetadataByDecorator(CommandDiscoverable, wrapper) as CommandMetadata;
    const { name } = metadata;

    const nonStatic = nonStaticReason(wrapper);
    if (nonStatic) throw new InvalidCommandHandlerError(nonStaticHandlerMessage(className, name, nonStatic));
    if (!instance || typeof instance.execute !== 'function') throw new InvalidCommandHandlerError(missingExecuteMessage(className, name));

    const { validate: dto, backoff, cron, timezone, missed, grace, ...defaults } = metadata.options;
    if (dto !== undefined && typeof dto !== 'function') throw new InvalidCommandHandlerError(invalidDtoMessage(className, name, dto));
    // Defaults are checked as a spec now, so a bad `@Command` option fails bootstrap instead of every enqueue.
    validateSpec({ name, ...defaults }, this.executor.options.payloadLimits, `@Command('${name}') options of ${className}`);

    const recover = this.findMarkedMethod(wrapper, instance, className, RecoverDiscoverable, '@Recover()');
    const expired = this.findMarkedMethod(wrapper, instance, className, ExpiredDiscoverable, '@Expired()');
    this.executor.register<CommandData>({
      name,
      source: className,
      defaults,
      backoff,
      schedule: cron === undefined ? undefined : { cron, timezone, missed, grace },
      execute: (instance.execute as ExecuteFn).bind(instance),
      recover: recover === undefined ? undefined : (instance[recover] as RecoverFn).bind(instance),
      expired: expired === undefined ? undefined : (instance[expired] as ExpiredFn).bind(instance),
      validate: dto && createPayloadValidator(name, dto),
    });
  }

  /** The one method carrying `decorator`, if any; two or more fail bootstrap. */
  private findMarkedMethod(
    wrapper: InstanceWrapper,
    instance: HandlerInstance,
    className: string,
    decorator: typeof RecoverDiscoverable,
    label: '@Recover()' | '@Expired()',
  ): string | undefined {
    const marked = this.scanner
      .getAllMethodNames(Object.getPrototypeOf(instance) as object)
      .filter((method) => this.discovery.getMetadataByDecorator(decorator, wrapper, method));
    if (marked.length > 1) throw new InvalidCommandHandlerError(duplicateMethodDecoratorMessage(className, label, marked));
    return marked[0];
  }
}

function nonStaticReason(wrapper: InstanceWrapper): Parameters<typeof nonStaticHandlerMessage>[2] | undefined {
  if (wrapper.scope === Scope.REQUEST) return 'is request-scoped';
  if (wrapper.isTransient) return 'is transient';
  return wrapper.isDependencyTreeStatic() ? undefined : 'depends on a request-scoped provider';
}

type Validation = [typeof import('class-transformer'), typeof import('class-validator')];
let validation: Promise<Validation> | undefined;

/**
 * Checks payloads against a class-validator DTO at enqueue time. The two packages are loaded on first
 * use, so applications that use no DTO need not install them.
 */
function createPayloadValidator(commandName: string, dto: Type<object>): (data: unknown) => Promise<void> {
  return async (data) => {
    validation ??= Promise.all([import('class-transformer'), import('class-validator')]);
    const [{ plainToInstance }, { validate }] = await validation;
    const errors = await validate(plainToInstance(dto, data), { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw new InvalidSpecError('data', payloadRejectedMessage(commandName, dto.name, violations(errors)));
  };
}

interface Violation {
  property: string;
  constraints?: Record<string, string>;
  children?: Violation[];
}

/** Every constraint message, nested ones prefixed with their path (`address.zip: zip must be…`). */
function violations(errors: readonly Violation[], path = ''): string[] {
  return errors.flatMap((error) => {
    const at = path ? `${path}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => (path ? `${at}: ${message}` : message));
    return [...own, ...violations(error.children ?? [], at)];
  });
}
