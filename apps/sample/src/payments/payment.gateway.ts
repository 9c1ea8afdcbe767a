import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CardDeclinedError, FraudSuspectedError, GatewayUnavailableError } from './payment-gateway.errors.js';
import { type CardBehaviour, TEST_CARDS } from './test-cards.js';

/** A card as the gateway hands it back: a token to charge later, and the digits a receipt may show. */
export interface CardToken {
  token: string;
  last4: string;
}

/** One charge request. */
export interface ChargeRequest {
  token: string;
  amountCents: number;
  /** The same key always names the same charge, so a retried request never charges twice. */
  idempotencyKey: string;
}

/**
 * The payment provider, simulated in process with the behaviours of {@link TEST_CARDS}. It has the
 * shape of a real client (tokens, idempotency keys, capture, fraud screening, refunds), so the
 * commands around it are written as they would be against a real one.
 */
@Injectable()
export class PaymentGateway {
  private readonly behaviours = new Map<string, CardBehaviour>(
    Object.entries(TEST_CARDS).map(([behaviour, card]) => [tokenOf(card), behaviour as CardBehaviour]),
  );
  /** Charge attempts per idempotency key: the flaky card fails the first two. */
  private readonly attempts = new Map<string, number>();

  /** Exchanges a card number for a token, so the service never stores the number. */
  tokenize(cardNumber: string): CardToken {
    return { token: tokenOf(cardNumber), last4: cardNumber.slice(-4) };
  }

  /** Captures the amount. Throws {@link CardDeclinedError} or {@link GatewayUnavailableError}. */
  async charge(request: ChargeRequest, signal?: AbortSignal): Promise<{ chargeId: string }> {
    signal?.throwIfAborted();
    const attempt = (this.attempts.get(request.idempotencyKey) ?? 0) + 1;
    this.attempts.set(request.idempotencyKey, attempt);
    switch (this.behaviours.get(request.token)) {
      case 'declined':
        throw new CardDeclinedError();
      case 'unreachable':
        throw new GatewayUnavailableError();
      case 'flaky':
        if (attempt <= 2) throw new GatewayUnavailableError();
        break;
    }
    return { chargeId: `ch_${digest(request.idempotencyKey)}` };
  }

  /** The fraud check of a captured charge. Throws {@link FraudSuspectedError}. */
  async screen(token: string, chargeId: string): Promise<void> {
    if (this.behaviours.get(token) === 'fraudulent') throw new FraudSuspectedError(chargeId);
  }

  /** Gives a captured charge back to the customer. */
  async refund(chargeId: string): Promise<{ refundId: string }> {
    return { refundId: `re_${digest(chargeId)}` };
  }
}

function tokenOf(cardNumber: string): string {
  return `tok_${digest(cardNumber)}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}
