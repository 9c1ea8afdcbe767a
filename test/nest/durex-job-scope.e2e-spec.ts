/**
 * Per-job DI scope: request-scoped handlers get their own sub-tree per job, with the job
 * injectable. Each case below is a long-standing bug of @nestjs/bull(mq)'s JOB_REF, named by issue.
 */
import { Inject, Injectable, Scope } from '@nestjs/common';
import { ContextIdFactory, type ContextId, type ContextIdStrategy, type HostComponentInfo, REQUEST } from '@nestjs/core';
import { Command, type CommandHandler, type DurexJobRequest, InjectInstance, type Instance, Recover, Result, Status } from 'nestjs-durex';
import { createDurexApp, type DurexTestApp, waitForStatus } from '../fixtures/durex-app.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

let constructed = 0;
const seen: { job: string; unitOfWork: number; nested: string }[] = [];

/** Stands for a per-job unit of work (an ORM entity manager, say). */
@Injectable({ scope: Scope.REQUEST })
class UnitOfWork {
  static created = 0;
  readonly id = ++UnitOfWork.created;
  constructor(@InjectInstance() readonly job: Instance) {}
}

@Command('perJob', { scope: Scope.REQUEST })
class PerJobCommand implements CommandHandler<{ n: number }> {
  constructor(
    @InjectInstance() private readonly job: Instance<{ n: number }>,
    private readonly uow: UnitOfWork,
  ) {
    constructed++;
  }

  async execute(cmd: Instance<{ n: number }>): Promise<void> {
    // Yield so that several jobs are in flight at once and could see each other's scope.
    await new Promise((resolve) => setTimeout(resolve, 20));
    seen.push({ job: cmd.id, unitOfWork: this.uow.id, nested: this.uow.job.id === this.job.id ? this.job.id : 'mismatch' });
  }
}

/** @nestjs/bull#320: a singleton-declared handler that depends on a request-scoped provider becomes per-job. */
@Command('implicit')
class ImplicitlyScopedCommand implements CommandHandler {
  constructor(private readonly uow: UnitOfWork) {}
  execute(cmd: Instance): void {
    seen.push({ job: cmd.id, unitOfWork: this.uow.id, nested: this.uow.job.id });
  }
}

const recovered: string[] = [];

/** @nestjs/bull#634: the failure hook of a scoped handler has its dependencies too. */
@Command('scopedFailure', { scope: Scope.REQUEST })
class ScopedFailureCommand implements CommandHandler {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(REQUEST) private readonly request: DurexJobRequest,
  ) {}
  execute(): void {
    throw new Error('boom');
  }
  @Recover()
  onFailure(cmd: Instance): Result {
    recovered.push(`${this.request.method}:${this.uow.job.id === cmd.id}`);
    return Result.empty();
  }
}

describe.each(STORAGE_KINDS)('per-job DI scope on %s', (kind) => {
  let running: DurexTestApp;

  beforeEach(async () => {
    running = await createDurexApp([UnitOfWork, PerJobCommand, ImplicitlyScopedCommand, ScopedFailureCommand], { storage: kind, parallelism: 8 });
  });

  afterEach(() => running.app.close());

  it('builds a fresh handler and sub-tree per job, each seeing its own instance, even when jobs overlap', async () => {
    constructed = 0;
    seen.length = 0;
    const jobs = await running.client.addMany(Array.from({ length: 6 }, (_, n) => ({ name: 'perJob', data: { n } })));
    await waitFor(() => seen.length === 6);
    expect(constructed).toBe(6);
    expect(new Set(seen.map((s) => s.unitOfWork)).size).toBe(6);
    // @nestjs/bull#770: the nested request-scoped provider sees the same job as the handler.
    expect(seen.map((s) => s.nested).sort()).toEqual(jobs.map((j) => j.id).sort());
  });

  it('makes a handler that depends on a request-scoped provider per-job', async () => {
    seen.length = 0;
    const a = await running.client.add({ name: 'implicit' });
    const b = await running.client.add({ name: 'implicit' });
    await waitFor(() => seen.length === 2);
    expect(seen.map((s) => s.nested).sort()).toEqual([a.id, b.id].sort());
    expect(seen[0]!.unitOfWork).not.toBe(seen[1]!.unitOfWork);
  });

  it('gives REQUEST the job request (not an HTTP request) and resolves the Recover hook in a scope of its own', async () => {
    recovered.length = 0;
    const job = await running.client.add({ name: 'scopedFailure' });
    await waitForStatus(running.client, job.id, Status.FAILED);
    await waitFor(() => recovered.length === 1);
    // @nestjs/bull#1013: REQUEST is a job request with its own shape, the instance has its own token.
    expect(recovered).toEqual(['recover:true']);
  });
});

/** @nestjs/bull#2011: a ContextIdStrategy applies, so durable providers are shared per tenant. */
describe.each(STORAGE_KINDS)('per-job DI scope with a durable strategy on %s', (kind) => {
  @Injectable({ scope: Scope.REQUEST, durable: true })
  class TenantConnection {
    static created = 0;
    readonly id = ++TenantConnection.created;
  }

  const tenants: Record<string, number[]> = {};

  @Command('tenantJob', { scope: Scope.REQUEST })
  class TenantJobCommand implements CommandHandler<{ tenant: string }> {
    constructor(private readonly connection: TenantConnection) {}
    execute(cmd: Instance<{ tenant: string }>): void {
      (tenants[cmd.data.tenant] ??= []).push(this.connection.id);
    }
  }

  class TenantStrategy implements ContextIdStrategy {
    private readonly byTenant = new Map<string, ContextId>();
    attach(contextId: ContextId, request: DurexJobRequest) {
      const tenant = String((request.instance.data as { tenant?: string }).tenant);
      let tenantId = this.byTenant.get(tenant);
      if (!tenantId) this.byTenant.set(tenant, (tenantId = ContextIdFactory.create()));
      return (info: HostComponentInfo) => (info.isTreeDurable ? tenantId! : contextId);
    }
  }

  it('reuses one durable provider per tenant across jobs', async () => {
    ContextIdFactory.apply(new TenantStrategy());
    const running = await createDurexApp([TenantConnection, TenantJobCommand], { storage: kind });
    try {
      await running.client.addMany(['a', 'b', 'a', 'b', 'a'].map((tenant) => ({ name: 'tenantJob', data: { tenant } })));
      await waitFor(async () => (await running.client.count({ name: 'tenantJob', status: Status.COMPLETED })) === 5);
      expect(tenants.a).toHaveLength(3);
      expect(new Set(tenants.a).size).toBe(1);
      expect(new Set(tenants.b).size).toBe(1);
      expect(tenants.a![0]).not.toBe(tenants.b![0]);
    } finally {
      ContextIdFactory.apply({ attach: (contextId: ContextId) => () => contextId });
      await running.app.close();
    }
  });
});
