import { queryStatuses } from '../instance-query.js';
import type { InstanceOrder, InstanceQuery } from '../storage.interface.js';

/**
 * What differs between the databases when an {@link InstanceQuery} becomes SQL. Every value goes
 * through `bind`, so a query's text never contains user data.
 */
export interface FilterSyntax {
  /** Records a parameter and returns its placeholder. */
  bind(value: unknown): string;
  /** A time as the database stores it. */
  time(value: Date): unknown;
  /** `column` is one of `values`. */
  oneOf(column: string, values: readonly string[]): string;
  /** The row's tags include every one of `tags`. */
  hasAllTags(tags: readonly string[]): string;
  /** `column` starts with `prefix`, taken literally (no wildcards). */
  startsWith(column: string, prefix: string): string;
  /** LIMIT / OFFSET for a page; '' for everything. */
  page(limit: number | undefined, offset: number | undefined): string;
}

const ORDER_COLUMNS: Record<InstanceOrder, string> = {
  createdAt: 'created_at',
  readyAt: 'ready_at',
  completedAt: 'completed_at',
  priority: 'priority',
  id: 'id',
};

/** The WHERE clause of a query (with its leading keyword), or '' when it matches everything. */
export function whereClause(query: InstanceQuery, syntax: FilterSyntax): string {
  const conditions: string[] = [];
  const statuses = queryStatuses(query);
  if (statuses.length) conditions.push(syntax.oneOf('status', statuses));
  const equal = (column: string, value: string | undefined) => {
    if (value !== undefined) conditions.push(`${column} = ${syntax.bind(value)}`);
  };
  equal('name', query.name);
  equal('parent_id', query.parentId);
  if (query.correlationId !== undefined) {
    // Spelled for the partial index on correlation_id (only rows whose correlation id is not their
    // own id): the root of a workflow is found through the primary key instead.
    const value = () => syntax.bind(query.correlationId);
    conditions.push(`((id = ${value()} AND correlation_id = ${value()}) OR (correlation_id = ${value()} AND correlation_id <> id))`);
  }
  equal('trace_id', query.traceId);
  if (query.tags?.length) conditions.push(syntax.hasAllTags(query.tags));
  if (query.idPrefix !== undefined) conditions.push(syntax.startsWith('id', query.idPrefix));
  if (query.createdAfter) conditions.push(`created_at > ${syntax.bind(syntax.time(query.createdAfter))}`);
  if (query.createdBefore) conditions.push(`created_at < ${syntax.bind(syntax.time(query.createdBefore))}`);
  if (query.completedBefore) conditions.push(`completed_at < ${syntax.bind(syntax.time(query.completedBefore))}`);
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/**
 * The ORDER BY clause of a query, ties broken by id in the same direction. A missing `completedAt`
 * sorts after every time, as in memory.
 */
export function orderClause(query: InstanceQuery): string {
  const orderBy = query.orderBy ?? 'createdAt';
  const direction = query.orderDesc ? 'DESC' : 'ASC';
  const nulls = orderBy === 'completedAt' ? (query.orderDesc ? ' NULLS FIRST' : ' NULLS LAST') : '';
  const key = `${ORDER_COLUMNS[orderBy]} ${direction}${nulls}`;
  return orderBy === 'id' ? `ORDER BY ${key}` : `ORDER BY ${key}, id ${direction}`;
}

/** The grouping column of `countBy`, never taken from the caller as text. */
export function groupColumn(field: 'status' | 'name'): string {
  return field === 'status' ? 'status' : 'name';
}

/** Escapes `%`, `_` and the escape character itself for `LIKE … ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Escapes `*`, `?` and `[` for SQLite's case-sensitive GLOB. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, (c) => `[${c}]`);
}
