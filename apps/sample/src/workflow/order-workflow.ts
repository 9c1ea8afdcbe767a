/*
 * The order workflow at a glance: the commands, what each one receives, and the order they run in.
 *
 * POST /orders enqueues `validateOrder` with the rest of ORDER_STEPS as its sequence; each step ends
 * with `cmd.continueSequence(...)`, which queues the next with the data gathered so far. A step that
 * fails for good returns compensations from its `@Recover()` handler (refundPayment, releaseStock);
 * the payment step's `@Expired()` handler does the same when its deadline passes.
 */

import type { KnownCommandName } from 'nestjs-durex';

/** Every step of the order workflow carries the order's id. */
export type OrderRef = { orderId: string };

/** After the payment step: the payment to refund if a later step fails. */
export type PaidOrder = OrderRef & { paymentId: string };

/** After the shipping step. */
export type ShippedOrder = PaidOrder & { trackingNumber: string };

/** One confirmation email. `messageKey` makes its delivery idempotent. */
export type OrderEmail = OrderRef & { messageKey: string; to: string; subject: string; body: string };

/** The steps after `validateOrder`, in order: the sequence the workflow is started with. */
export const ORDER_STEPS: KnownCommandName[] = ['reserveInventory', 'chargePayment', 'shipOrder', 'sendConfirmation'];

declare module 'nestjs-durex' {
  // Typed payloads: client.add, spec() and the handlers check `data` against these.
  interface DurexCommands {
    validateOrder: OrderRef;
    reserveInventory: OrderRef;
    chargePayment: OrderRef;
    shipOrder: PaidOrder;
    sendConfirmation: ShippedOrder;
    /** One per line item, fanned out by sendConfirmation. */
    sendOrderEmail: OrderEmail;
    /** Compensation: gives a captured payment back. */
    refundPayment: PaidOrder;
    /** Compensation: puts reserved units back in stock. */
    releaseStock: OrderRef;
    /** Permanent and repeating: cancels orders whose workflow never started. */
    cleanupAbandonedOrders: Record<string, never>;
  }
}
