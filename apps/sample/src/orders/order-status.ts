/**
 * Where an order is in its life. The workflow moves it forward one step at a time; FAILED and
 * CANCELLED end it early, with the reason in `failureReason`.
 */
export enum OrderStatus {
  PLACED = 'PLACED',
  VALIDATED = 'VALIDATED',
  RESERVED = 'RESERVED',
  PAID = 'PAID',
  SHIPPED = 'SHIPPED',
  COMPLETED = 'COMPLETED',
  /** A step failed for good; compensations undo what the earlier steps did. */
  FAILED = 'FAILED',
  /** Abandoned: the payment did not go through in time, or the workflow never started. */
  CANCELLED = 'CANCELLED',
}

/** The statuses an order can no longer leave. */
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = [OrderStatus.COMPLETED, OrderStatus.FAILED, OrderStatus.CANCELLED];
