import { Injectable } from '@nestjs/common';

/** Stands in for a payment provider's client that accepts idempotency keys, as most do. */
@Injectable()
export class PaymentGateway {
  async capture(request: { amountCents: number; idempotencyKey: string }, _options: { signal: AbortSignal }): Promise<{ id: string }> {
    return { id: `pay_${request.idempotencyKey}` };
  }
}

/** The provider refused for a reason that a retry will not fix (a declined card, a bad amount). */
export class PaymentRejectedError extends Error {}
