import type { InstanceState } from '../core/instance.js';
import type { Status } from '../core/status.js';
import type { InstanceOrder, InstanceQuery } from './storage.interface.js';

/** The statuses a query asks for, as a list (empty for any). */
export function queryStatuses(query: InstanceQuery): readonly Status[] {
  if (query.status === undefined) return [];
  return typeof query.status === 'string' ? [query.status] : query.status;
}

/** In-process evaluation of a query's filter, for storages that hold rows in memory. */
export function matchesQuery(row: InstanceState, query: InstanceQuery): boolean {
  const statuses = queryStatuses(query);
  if (statuses.length && !statuses.includes(row.status)) return false;
  if (query.name !== undefined && row.name !== query.name) return false;
  if (query.parentId !== undefined && row.parentId !== query.parentId) return false;
  if (query.correlationId !== undefined && row.correlationId !== query.correlationId) return false;
  if (query.traceId !== undefined && row.traceId !== query.traceId) return false;
  if (query.tags?.some((tag) => !row.tags.includes(tag))) return false;
  if (query.idPrefix !== undefined && !row.id.startsWith(query.idPrefix)) return false;
  if (query.createdAfter && !(row.createdAt > query.createdAfter)) return false;
  if (query.createdBefore && !(row.createdAt < query.createdBefore)) return false;
  if (query.completedBefore && !(row.completedAt && row.completedAt < query.completedBefore)) return false;
  return true;
}

const ORDER_KEYS: Record<InstanceOrder, (row: InstanceState) => number | string> = {
  createdAt: (row) => row.createdAt.getTime(),
  readyAt: (row) => row.readyAt.getTime(),
  completedAt: (row) => row.completedAt?.getTime() ?? Number.MAX_SAFE_INTEGER,
  priority: (row) => row.priority,
  id: (row) => row.id,
};

/** A comparator for a query's order, ties broken by id in the same direction. */
export function compareByQuery(query: InstanceQuery): (a: InstanceState, b: InstanceState) => number {
  const key = ORDER_KEYS[query.orderBy ?? 'createdAt'];
  const direction = query.orderDesc ? -1 : 1;
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return (ka < kb ? -1 : 1) * direction;
    return a.id === b.id ? 0 : (a.id < b.id ? -1 : 1) * direction;
  };
}

/** The claim order: higher priority first, then earliest ready, then oldest id. */
export function compareForClaim(a: InstanceState, b: InstanceState): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const ra = a.readyAt.getTime();
  const rb = b.readyAt.getTime();
  if (ra !== rb) return ra - rb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
