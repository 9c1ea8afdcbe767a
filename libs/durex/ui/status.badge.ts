import { ACTIVE_STATUSES, ALL_STATUSES, Status } from '../src/core/status.js';
import { h } from './dom.js';

/** The statuses in the order the overview and the filters show them: active first, then outcomes. */
export const STATUS_ORDER: readonly Status[] = [
  Status.PENDING,
  Status.STARTED,
  Status.REPEATING,
  Status.COMPLETED,
  Status.FAILED,
  Status.DEAD_LETTER,
  Status.EXPIRED,
  Status.CANCELLED,
];

const LABELS: Record<Status, string> = {
  PENDING: 'Pending',
  STARTED: 'Started',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  EXPIRED: 'Expired',
  REPEATING: 'Repeating',
  CANCELLED: 'Cancelled',
  DEAD_LETTER: 'Dead letter',
};

/** A status as people read it ("Dead letter"); unknown values as they came. */
export function statusLabel(status: string): string {
  return (LABELS as Record<string, string>)[status] ?? status;
}

/** True for a known status. */
export function isStatus(value: string): value is Status {
  return (ALL_STATUSES as readonly string[]).includes(value);
}

/** True while an instance can still run, and so can be cancelled. */
export function isActive(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

/** The CSS class that colours a status. */
export function statusClass(status: string): string {
  return `s-${status.toLowerCase().replace(/_/g, '-')}`;
}

/** A status badge: coloured, and always with its name in words, so colour is never the only cue. */
export function statusBadge(status: string): HTMLSpanElement {
  return h('span', { class: `badge ${statusClass(status)}` }, statusLabel(status));
}
