import { Command, type CommandContext, type CommandHandler, exponentialBackoff, type Instance, PermanentError } from 'nestjs-durex';
import { PaymentGateway, PaymentRejectedError } from '../shared/payment-gateway.js';

interface Capture {
  invoiceId: string;
  amountCents: number;
}

@Command('capturePayment', { retries: 5, backoff: exponentialBackoff({ initial: 2_000 }), timeout: 30_000 })
export class CapturePaymentCommand implements CommandHandler<Capture> {
  constructor(private readonly gateway: PaymentGateway) {}

  async execute(cmd: Instance<Capture>, ctx: CommandContext): Promise<void> {
    try {
      await this.gateway.capture(
        // The same key on every attempt of this invoice: a re-run after a crash, a lost lease or a
        // timeout finds the first capture instead of charging twice.
        { amountCents: cmd.data.amountCents, idempotencyKey: `invoice:${cmd.data.invoiceId}` },
        { signal: ctx.signal }, // a timeout or cancellation stops the HTTP call too
      );
    } catch (error) {
      // Retrying a declined card is pointless: fail now, skipping the retries left.
      if (error instanceof PaymentRejectedError) throw new PermanentError(error.message, { cause: error });
      throw error; // network trouble, 5xx: retried with backoff
    }
  }
}
