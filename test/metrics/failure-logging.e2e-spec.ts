import { Command, type CommandHandler, DurexClient, Status } from 'nestjs-durex';
import { CapturingLogger, durexForTest, useTestApp } from '../admin/http-app.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

@Command('ships')
class ShipsCommand implements CommandHandler {
  execute(): void {}
}

@Command('declines')
class DeclinesCommand implements CommandHandler {
  execute(): void {
    throw new Error('card declined');
  }
}

describe.each(STORAGE_KINDS)('durex failure logs on %s storage', (kind) => {
  describe('through the Nest logger', () => {
    // No `logger` option: the Nest layer gives the engine a Nest Logger('Durex'), so its lines reach
    // whatever logger the application uses (here one that keeps them).
    const current = useTestApp(kind, (storage) => ({ imports: [durexForTest({ storage })], providers: [ShipsCommand, DeclinesCommand] }));

    it('writes one warning per failed attempt with its id, name, attempt, trace and correlation, and nothing for successes', async () => {
      const { app, logger } = current();
      const client = app.get(DurexClient);
      const successes = await client.addMany([{ name: 'ships' }, { name: 'ships', traceId: 'trace-ok' }, { name: 'ships' }]);
      for (const job of successes) await waitFor(async () => (await client.get(job.id)).status === Status.COMPLETED, { description: 'shipped' });
      expect(logger.of('Durex').filter((line) => line.level === 'log' || line.level === 'warn')).toEqual([]);

      const failing = await client.add({ name: 'declines', traceId: 'trace-7f3a', correlationId: 'order-42' });
      await waitFor(async () => (await client.get(failing.id)).status === Status.FAILED, { description: 'declined' });
      const lines = logger.of('Durex').filter((line) => line.level === 'log' || line.level === 'warn' || line.level === 'error');
      expect(lines).toHaveLength(1);
      const [{ level, message }] = lines as [{ level: string; message: string }];
      expect(level).toBe('warn');
      expect(message).toContain(failing.id);
      expect(message).toContain('declines');
      expect(message).toContain('attempt 1 failed: card declined');
      expect(message).toContain('trace trace-7f3a');
      expect(message).toContain('correlation order-42');
    });
  });

  describe('through a provided logger', () => {
    let provided: CapturingLogger;
    const current = useTestApp(kind, (storage) => {
      provided = new CapturingLogger();
      return { imports: [durexForTest({ storage, logger: provided })], providers: [ShipsCommand, DeclinesCommand] };
    });

    it("writes the failure line to the module's `logger` option, not to Nest's Logger('Durex')", async () => {
      const { app, logger } = current();
      const client = app.get(DurexClient);
      const failing = await client.add({ name: 'declines', traceId: 'trace-9b1c', correlationId: 'order-7' });
      await waitFor(async () => (await client.get(failing.id)).status === Status.FAILED, { description: 'declined' });

      const lines = provided.lines.filter((line) => line.level !== 'debug' && line.level !== 'verbose');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 'warn', message: expect.stringContaining(failing.id) });
      expect(lines[0]!.message).toContain('attempt 1 failed: card declined');
      expect(lines[0]!.message).toContain('trace trace-9b1c');
      expect(lines[0]!.message).toContain('correlation order-7');
      expect(logger.of('Durex')).toEqual([]);
      expect(logger.lines.filter((line) => line.message.includes(failing.id))).toEqual([]);
    });
  });
});
