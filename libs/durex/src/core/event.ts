/**
 * The kinds of event recorded in an instance's history.
 *
 * @publicApi
 */
export const EventType = {
  CREATED: 'created',
  STARTED: 'started',
  COMPLETED: 'completed',
  FAILED: 'failed',
  RETRYING: 'retrying',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled',
  REPEATING: 'repeating',
  /** The instance was reclaimed after its lease expired, moved to the DLQ, replayed, or its Recover handler ran. */
  RECOVERED: 'recovered',
} as const;

/** @publicApi */
export type EventType = (typeof EventType)[keyof typeof EventType];

/**
 * One entry of an instance's history. History is append-only.
 *
 * @publicApi
 */
export interface InstanceEvent {
  type: EventType;
  timestamp: Date;
  /** The attempt the event belongs to (1 for the first run). */
  attempt?: number;
  error?: string;
  /** How long the attempt took, for completed and failed events. */
  durationMs?: number;
  message?: string;
}

/**
 * Builds an event, leaving out the fields that are not given.
 *
 * @publicApi
 */
export function createEvent(
  type: EventType,
  timestamp: Date,
  details: Omit<InstanceEvent, 'type' | 'timestamp'> = {},
): InstanceEvent {
  const event: InstanceEvent = { type, timestamp };
  if (details.attempt !== undefined) event.attempt = details.attempt;
  if (details.error !== undefined) event.error = details.error;
  if (details.durationMs !== undefined) event.durationMs = details.durationMs;
  if (details.message !== undefined) event.message = details.message;
  return event;
}
