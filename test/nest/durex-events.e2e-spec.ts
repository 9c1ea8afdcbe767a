import { Injectable, Scope } from '@nestjs/common';
import { Command, type CommandHandler, type DurexEvent, OnDurexEvent, Status } from 'nestjs-durex';
import { bootstrapError, createDurexApp, waitForStatus } from '../fixtures/durex-app.js';
import { STORAGE_KINDS } from '../support/storages.js';

@Command('ping')
class PingCommand implements CommandHandler {
  execute(): void {}
}

@Injectable()
class AuditTrail {
  readonly seen: string[] = [];

  @OnDurexEvent('completed')
  onCompleted(event: DurexEvent): void {
    this.seen.push(`completed:${event.instance.id}`);
  }

  @OnDurexEvent('*')
  onAny(event: DurexEvent): void {
    this.seen.push(event.type);
  }
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedListener {
  @OnDurexEvent('failed')
  onFailed(): void {}
}

describe.each(STORAGE_KINDS)('@OnDurexEvent on %s', (kind) => {
  it('calls provider methods with lifecycle events once the change is stored', async () => {
    const { app, client } = await createDurexApp([PingCommand, AuditTrail], { storage: kind });
    try {
      const added = await client.add({ name: 'ping' });
      await waitForStatus(client, added.id, Status.COMPLETED);
      const audit = app.get(AuditTrail);
      await vi.waitFor(() => expect(audit.seen).toContain(`completed:${added.id}`));
      expect(audit.seen.filter((e) => !e.includes(':'))).toEqual(['enqueued', 'started', 'completed']);
    } finally {
      await app.close();
    }
  });
});

describe('@OnDurexEvent', () => {
  it('rejects a listener on a request-scoped provider at bootstrap', async () => {
    const error = await bootstrapError([RequestScopedListener]);
    expect(error.message).toMatch(/@OnDurexEvent\(\) method RequestScopedListener\.onFailed .* is request-scoped/);
  });
});
