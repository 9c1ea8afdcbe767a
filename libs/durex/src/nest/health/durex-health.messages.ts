/*
 * The reasons the durex health indicator reports: each says what is wrong and where to look.
 */

/** Storage did not answer its ping (or the measurements) in time, or refused. */
export function storageDownMessage(detail: unknown): string {
  return `durex storage is unreachable: ${typeof detail === 'string' && detail ? detail : 'no answer'}`;
}

/** The executor is not claiming work. */
export const EXECUTOR_STOPPED_MESSAGE = 'the durex executor is not running (not started yet, started with autoStart: false, or shutting down)';

/** The oldest ready PENDING instance has waited too long. */
export function pendingAgeMessage(ageMs: number, maxMs: number): string {
  return `the oldest ready PENDING instance has waited ${ageMs} ms, over maxPendingAgeMs ${maxMs}: workers are too few, stalled or not handling its command`;
}

/** Too many STARTED instances whose process died. */
export function stuckMessage(count: number, max: number): string {
  return `${count} STARTED instances hold expired leases, over maxStuck ${max}: their processes died and stuck recovery has not reclaimed them (is it disabled?)`;
}

/** The dead letter queue has grown too large. */
export function deadLettersMessage(count: number, max: number): string {
  return `${count} instances are in the dead letter queue, over maxDeadLetters ${max}: inspect, replay or purge them`;
}

/** A threshold that is not a number ≥ 0. */
export function invalidThresholdMessage(received: unknown): string {
  return `must be a number ≥ 0, got ${typeof received === 'number' ? received : typeof received}`;
}
