import { Injectable } from '@nestjs/common';
import { DurexClient } from 'nestjs-durex';

@Injectable()
export class MonthEnd {
  constructor(private readonly durex: DurexClient) {}

  /** Closes the month once both exports have ended, whichever finishes last and however it ends. */
  async close(month: string) {
    const invoices = await this.durex.add({ name: 'exportInvoices', data: { month } });
    const payroll = await this.durex.add({ name: 'exportPayroll', data: { month } });
    return this.durex.add({ name: 'closeMonth', data: { month }, dependsOn: [invoices.id, payroll.id] });
  }
}
