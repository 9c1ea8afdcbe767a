import { Injectable } from '@nestjs/common';
import { DurexClient, spec } from 'nestjs-durex';

@Injectable()
export class ImportService {
  constructor(private readonly durex: DurexClient) {}

  /** One tenant's imports run one at a time (the default concurrencyKeyLimit); tenants run side by side. */
  async importFile(tenantId: string, file: string): Promise<void> {
    await this.durex.add({ name: 'importFile', data: { file }, concurrencyKey: `tenant:${tenantId}` });
    // The same with the builder:
    await this.durex.add(spec('importFile', { file }).concurrencyKey(`tenant:${tenantId}`).build());
  }
}
