import { ConflictException, Injectable } from '@nestjs/common';
import { DuplicateCommandError, DurexClient } from 'nestjs-durex';

@Injectable()
export class InvoiceService {
  constructor(private readonly durex: DurexClient) {}

  async sendInvoice(invoiceId: string): Promise<string> {
    try {
      const instance = await this.durex.add({ name: 'sendInvoice', data: { invoiceId }, uniqueKey: `invoice:${invoiceId}` });
      return instance.id;
    } catch (error) {
      // An instance holding the key is PENDING, STARTED or REPEATING; nothing was stored.
      if (error instanceof DuplicateCommandError) throw new ConflictException(error.message);
      throw error;
    }
  }
}
