import { currentTraceContext } from '../core/context.js';
import { InvalidSpecError } from '../core/errors/invalid-spec.error.js';
import { UnknownCommandError } from '../core/errors/unknown-command.error.js';
import { createEvent, EventType } from '../core/event.js';
import { type Dependency, WAITING_READY_AT } from '../core/fan-in.js';
import { Instance } from '../core/instance.js';
import type { CommandData } from '../core/json.js';
import type { Result } from '../core/result.js';
import { type Spec, validateSpec } from '../core/spec.js';
import { Status } from '../core/status.js';
import type { ResolvedExecutorOptions } from './executor-options.js';
import type { HandlerRegistry } from './handler-registry.js';

/**
 * Turns specs into new instances: validation, the command's defaults, and the inheritance of parent,
 * trace and correlation. Every path that creates instances (add, addMany, Result children, Recover
 * and Expired children, permanent commands) goes through here, so none of them skips a rule.
 */
export class InstanceFactory {
  private readonly declared: Set<string>;

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly options: ResolvedExecutorOptions,
  ) {
    this.declared = new Set(options.commands);
  }

  /** Names that may be enqueued: handled here, or declared as handled elsewhere. */
  knownNames(): string[] {
    return [...new Set([...this.registry.names(), ...this.declared])].sort();
  }

  /**
   * Validates a spec from outside (add, addMany), runs the command's payload validator, and builds a
   * root instance, or a child of the running handler's instance when called from inside one.
   */
  async fromSpec(spec: Spec, path = 'spec'): Promise<Instance> {
    this.validate(spec, path);
    await this.registry.get(spec.name)?.validate?.(spec.data ?? {});
    const ambient = currentTraceContext();
    const parent = ambient?.instance as Instance | undefined;
    const instance = this.build(spec, parent, {
      traceId: spec.traceId ?? parent?.traceId ?? ambient?.traceId ?? null,
      correlationId: spec.correlationId ?? parent?.correlationId ?? ambient?.correlationId ?? null,
    });
    // The storage makes it ready at once if everything it waits for has already ended.
    if (spec.dependsOn?.length) instance.readyAt = WAITING_READY_AT;
    return instance;
  }

  /**
   * Builds what a handler's Result creates: its children, each inheriting parent, trace and
   * correlation, and for `Result.spawnThen` the continuation, created waiting for all of them,
   * with the fan-in edges from it to each.
   */
  async spawned(result: Result, parent: Instance): Promise<{ children: Instance[]; dependencies: Dependency[] }> {
    const then = result.then ?? null;
    const children: Instance[] = [];
    for (const [index, spec] of result.commands.entries()) {
      const path = `result.commands[${index}]`;
      if (then && spec.uniqueKey !== undefined) {
        throw new InvalidSpecError(`${path}.uniqueKey`, 'cannot be used by a child of Result.spawnThen: a child skipped as a duplicate would never end');
      }
      children.push(await this.child(spec, parent, path));
    }
    if (!then) return { children, dependencies: [] };
    if (then.delay !== undefined) throw new InvalidSpecError('result.then.delay', 'cannot be used: the continuation runs when its last child ends');
    const waiter = await this.child(then, parent, 'result.then');
    if (children.length) waiter.readyAt = WAITING_READY_AT;
    return { children: [...children, waiter], dependencies: children.map((child) => ({ waiterId: waiter.id, dependencyId: child.id })) };
  }

  private async child(spec: Spec, parent: Instance, path: string): Promise<Instance> {
    this.validate(spec, path);
    if (spec.dependsOn !== undefined) {
      throw new InvalidSpecError(`${path}.dependsOn`, 'is for add() and addMany(); a handler waits for its children with Result.spawnThen');
    }
    await this.registry.get(spec.name)?.validate?.(spec.data ?? {});
    return this.build(spec, parent, {
      traceId: spec.traceId ?? parent.traceId,
      correlationId: spec.correlationId ?? parent.correlationId ?? parent.id,
    });
  }

  /** Checks a spec as `add` would, without building anything: for specs stored to be added later. */
  validate(spec: Spec, path: string): void {
    validateSpec(spec, this.options.payloadLimits, path);
    if (!this.registry.has(spec.name) && !this.declared.has(spec.name)) throw new UnknownCommandError(spec.name, this.knownNames());
  }

  private build(spec: Spec, parent: Instance | undefined, ids: { traceId: string | null; correlationId: string | null }): Instance {
    const defaults = this.registry.get(spec.name)?.defaults ?? {};
    const now = this.options.clock.now();
    const id = this.options.idGenerator.generate();
    const retries = spec.retries ?? defaults.retries ?? this.options.defaultRetries;
    const deadline = spec.deadline ?? (spec.deadlineAt ? undefined : defaults.deadline);
    const createdAt = new Date(now);
    const instance = new Instance<CommandData>(
      {
        id,
        name: spec.name,
        data: { ...spec.data },
        status: Status.PENDING,
        retries,
        maxRetries: retries,
        attempt: 0,
        sequence: [...(spec.sequence ?? defaults.sequence ?? [])],
        parentId: parent?.id ?? null,
        priority: spec.priority ?? defaults.priority ?? 0,
        tags: [...new Set([...(defaults.tags ?? []), ...(spec.tags ?? [])])],
        uniqueKey: spec.uniqueKey ?? null,
        traceId: ids.traceId,
        correlationId: ids.correlationId ?? id,
        createdAt,
        readyAt: new Date(now + (spec.delay ?? defaults.delay ?? 0)),
        startedAt: null,
        completedAt: null,
        deadlineAt: deadline !== undefined ? new Date(now + deadline) : (spec.deadlineAt ?? null),
        timeout: spec.timeout ?? defaults.timeout ?? this.options.defaultTimeout,
        period: spec.period ?? defaults.period ?? 0,
        error: null,
        metadata: { ...defaults.metadata, ...spec.metadata },
        leaseOwner: null,
        leaseExpiresAt: null,
        concurrencyKey: spec.concurrencyKey ?? null,
      },
      [createEvent(EventType.CREATED, createdAt, parent ? { message: `spawned by ${parent.name} ${parent.id}` } : {})],
    );
    for (const instrumentation of this.options.instrumentations) instrumentation.onCreate?.(instance, parent);
    return instance;
  }
}
