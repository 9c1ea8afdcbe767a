import { Injectable, type OnModuleInit, Scope, type Type } from '@nestjs/common';
import { ContextIdFactory, DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import type { Instance } from '../core/instance.js';
import type { DurexJobRequest } from './interfaces/durex-job-request.interface.js';
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
    private readonly moduleRef: ModuleRef,
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

    if (!instance || typeof instance.execute !== 'function') throw new InvalidCommandHandlerError(missingExecuteMessage(className, name));

    const { validate: dto, backoff, cron, timezone, missed, grace, concurrency, rateLimit, scope: _scope, ...defaults } = metadata.options;
    if (dto !== undefined && typeof dto !== 'function') throw new InvalidCommandHandlerError(invalidDtoMessage(className, name, dto));
    // Defaults are checked as a spec now, so a bad `@Command` option fails bootstrap instead of every enqueue.
    validateSpec({ name, ...defaults }, this.executor.options.payloadLimits, `@Command('${name}') options of ${className}`);

    const recover = this.findMarkedMethod(wrapper, instance, className, RecoverDiscoverable, '@Recover()');
    const expired = this.findMarkedMethod(wrapper, instance, className, ExpiredDiscoverable, '@Expired()');
    const method: MethodBinder = nonStaticReason(wrapper) ? this.perJob(wrapper) : singleton(instance);
    this.executor.register<CommandData>({
      name,
      source: className,
      defaults,
      backoff,
      concurrency,
      rateLimit,
      schedule: cron === undefined ? undefined : { cron, timezone, missed, grace },
      execute: method<ExecuteFn>('execute', 'execute'),
      recover: recover === undefined ? undefined : method<RecoverFn>(recover, 'recover'),
      expired: expired === undefined ? undefined : method<ExpiredFn>(expired, 'expired'),
      validate: dto && createPayloadValidator(name, dto),
    });
  }

  /**
   * Handler methods of a non-singleton handler: each call builds the handler in a DI sub-tree of
   * its own, with the job as `REQUEST` (and `@InjectInstance()`). The context id comes from
   * `ContextIdFactory.getByRequest`, so durable strategies apply (@nestjs/bull#2011), and request-
   * scoped dependencies resolve in the same sub-tree as the handler (@nestjs/bull#770).
   */
  private perJob(wrapper: InstanceWrapper): MethodBinder {
    return <F>(key: string, role: DurexJobRequest['method']): F =>
      (async (instance: Instance, ...rest: unknown[]) => {
        const request: DurexJobRequest = { instance, method: role };
        const contextId = ContextIdFactory.getByRequest(request);
        this.moduleRef.registerRequestByContextId(request, contextId);
        const handler = await this.moduleRef.resolve<Record<string, (...args: unknown[]) => unknown>>(wrapper.token, contextId, { strict: false });
        return handler[key]!(instance, ...rest);
      }) as F;
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

/** Turns a handler method name into the function the engine calls. */
type MethodBinder = <F>(key: string, role: DurexJobRequest['method']) => F;

/** A singleton handler's methods, bound to its one instance. */
function singleton(instance: HandlerInstance): MethodBinder {
  return <F>(key: string) => (instance[key] as (...args: unknown[]) => unknown).bind(instance) as F;
}

function nonStaticReason(wrapper: InstanceWrapper): Parameters<typeof nonStaticListenerMessage>[2] | undefined {
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
