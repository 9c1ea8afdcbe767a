import { createEvent, EventType, Instance, Status, type InstanceEvent, type InstanceState } from 'nestjs-durex';

/** The time instances made here are created at by default: the suites' fixed epoch. */
export const TEST_EPOCH = Date.parse('2026-01-01T00:00:00.000Z');

let counter = 0;

/**
 * An instance as storage receives it, with every field set: PENDING, ready when created, no retries
 * left to spend and a `created` event, unless `overrides` and `history` say otherwise. Ids and
 * creation times increase with each call.
 */
export function makeInstance(overrides: Partial<InstanceState> = {}, history?: InstanceEvent[]): Instance {
  counter += 1;
  const createdAt = overrides.createdAt ?? new Date(TEST_EPOCH + counter);
  const state: InstanceState = {
    id: `inst-${String(counter).padStart(6, '0')}`,
    name: 'job',
    data: {},
    status: Status.PENDING,
    retries: 0,
    maxRetries: 0,
    attempt: 0,
    sequence: [],
    parentId: null,
    priority: 0,
    tags: [],
    uniqueKey: null,
    traceId: null,
    correlationId: null,
    createdAt,
    readyAt: createdAt,
    startedAt: null,
    completedAt: null,
    deadlineAt: null,
    timeout: 0,
    period: 0,
    error: null,
    metadata: {},
    leaseOwner: null,
    leaseExpiresAt: null,
    ...overrides,
  };
  return new Instance(state, history ?? [createEvent(EventType.CREATED, createdAt)]);
}
