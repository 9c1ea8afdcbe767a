import { Injectable, Scope } from '@nestjs/common';
import { Command, type CommandHandler, InjectInstance, type Instance } from 'nestjs-durex';

interface Import {
  tenantId: string;
  fileId: string;
}

/** Request-scoped: one per job, so it can hold per-job state such as a tenant's connection. */
@Injectable({ scope: Scope.REQUEST })
export class TenantContext {
  constructor(@InjectInstance() private readonly job: Instance<Import>) {}

  get tenantId(): string {
    return this.job.data.tenantId;
  }
}

/** `scope: Scope.REQUEST` builds this handler, and TenantContext, afresh for every job. */
@Command('importTenantFile', { scope: Scope.REQUEST })
export class ImportTenantFileCommand implements CommandHandler<Import> {
  constructor(private readonly tenant: TenantContext) {}

  async execute(cmd: Instance<Import>): Promise<void> {
    console.log(`importing ${cmd.data.fileId} for tenant ${this.tenant.tenantId}`);
  }
}
