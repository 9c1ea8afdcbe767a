import { Command, type CommandHandler, DurexClient, type Instance, type PayloadOf, Status } from 'nestjs-durex';
import { createDurexApp, waitForStatus } from '../fixtures/durex-app.js';
import { STORAGE_KINDS } from '../support/storages.js';

/*
 * `npm run typecheck` checks this file: the `@ts-expect-error` lines fail the type check if the
 * payload typing ever stops rejecting them. The names are unique to this file because an
 * augmentation of DurexCommands is global to the whole program.
 */

interface InvoiceData {
  invoiceId: string;
  amountCents: number;
}

declare module 'nestjs-durex' {
  interface DurexCommands {
    'typedClient.sendInvoice': InvoiceData;
  }
}

@Command('typedClient.sendInvoice')
class SendInvoiceCommand implements CommandHandler<InvoiceData> {
  readonly seen: InvoiceData[] = [];
  execute(cmd: Instance<InvoiceData>): void {
    this.seen.push(cmd.data);
  }
}

describe.each(STORAGE_KINDS)('DurexClient typing through DurexCommands on %s', (kind) => {
  it('type-checks the payload of a declared command, and leaves undeclared ones open', async () => {
    expectTypeOf<PayloadOf<'typedClient.sendInvoice'>>().toEqualTypeOf<InvoiceData>();
    expectTypeOf<DurexClient['add']>().parameter(0).toHaveProperty('name');

    const { app, client } = await createDurexApp([SendInvoiceCommand], { storage: kind, commands: ['typedClient.undeclared'] });
    try {
      const added = await client.add({ name: 'typedClient.sendInvoice', data: { invoiceId: 'inv-1', amountCents: 1200 } });
      expectTypeOf(added).toEqualTypeOf<Instance<InvoiceData>>();
      expectTypeOf(added.data.amountCents).toBeNumber();

      // @ts-expect-error amountCents must be a number
      const wrongType = () => client.add({ name: 'typedClient.sendInvoice', data: { invoiceId: 'inv-2', amountCents: '12' } });
      // @ts-expect-error invoiceId is required
      const missing = () => client.add({ name: 'typedClient.sendInvoice', data: { amountCents: 1 } });
      // @ts-expect-error unknown property
      const extra = () => client.addMany([{ name: 'typedClient.sendInvoice', data: { invoiceId: 'x', amountCents: 1, cc: 'y' } }]);
      expect([wrongType, missing, extra].every((fn) => typeof fn === 'function')).toBe(true);

      // An undeclared name takes any JSON object.
      const open = await client.add({ name: 'typedClient.undeclared', data: { anything: [1, 2] } });
      expectTypeOf(open.data).toEqualTypeOf<PayloadOf<'typedClient.undeclared'>>();

      await waitForStatus(client, added.id, Status.COMPLETED);
      expect(app.get(SendInvoiceCommand).seen).toEqual([{ invoiceId: 'inv-1', amountCents: 1200 }]);
    } finally {
      await app.close();
    }
  });
});
