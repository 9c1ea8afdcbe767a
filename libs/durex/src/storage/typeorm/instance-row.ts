import { createEvent, type EventType, type InstanceEvent } from '../../core/event.js';
import { Instance, type InstanceState } from '../../core/instance.js';
import { RUNNABLE_STATUSES, type Status } from '../../core/status.js';
import type { InstancePatch } from '../storage.interface.js';

/** How a column's value is represented, which decides its encoding in each database. */
export type ColumnKind = 'text' | 'int' | 'json' | 'list' | 'time';

/**
 * The columns of `durex_instances` in table order, with the instance field and the kind of each.
 * Both dialects build their column lists and row mapping from this one table, so a field cannot
 * be added to one database and forgotten in the other.
 */
export const INSTANCE_COLUMNS = [
  ['id', 'id', 'text'],
  ['name', 'name', 'text'],
  ['data', 'data', 'json'],
  ['status', 'status', 'text'],
  ['retries', 'retries', 'int'],
  ['max_retries', 'maxRetries', 'int'],
  ['attempt', 'attempt', 'int'],
  ['sequence', 'sequence', 'list'],
  ['parent_id', 'parentId', 'text'],
  ['priority', 'priority', 'int'],
  ['tags', 'tags', 'list'],
  ['unique_key', 'uniqueKey', 'text'],
  ['trace_id', 'traceId', 'text'],
  ['correlation_id', 'correlationId', 'text'],
  ['created_at', 'createdAt', 'time'],
  ['ready_at', 'readyAt', 'time'],
  ['started_at', 'startedAt', 'time'],
  ['completed_at', 'completedAt', 'time'],
  ['deadline_at', 'deadlineAt', 'time'],
  ['timeout_ms', 'timeout', 'int'],
  ['period_ms', 'period', 'int'],
  ['error', 'error', 'text'],
  ['metadata', 'metadata', 'json'],
  ['lease_owner', 'leaseOwner', 'text'],
  ['lease_expires_at', 'leaseExpiresAt', 'time'],
  ['concurrency_key', 'concurrencyKey', 'text'],
] as const satisfies readonly (readonly [string, keyof InstanceState, ColumnKind])[];

type PatchField = keyof InstancePatch;

/** The fields a transition may change, in the order of their columns. */
const PATCH_FIELDS: readonly PatchField[] = [
  'status',
  'data',
  'retries',
  'maxRetries',
  'attempt',
  'readyAt',
  'startedAt',
  'completedAt',
  'error',
  'metadata',
  'leaseOwner',
  'leaseExpiresAt',
];

/** The columns a transition may change, in table order, with their field and kind. */
export const PATCH_SPEC: readonly { column: string; field: PatchField; kind: ColumnKind }[] = INSTANCE_COLUMNS.filter(([, field]) =>
  (PATCH_FIELDS as readonly string[]).includes(field),
).map(([column, field, kind]) => ({ column, field: field as PatchField, kind }));

/** The columns a transition may change, in table order. */
export const PATCH_COLUMNS: readonly string[] = PATCH_SPEC.map(({ column }) => column);

/** The instance columns as a select list, optionally qualified by a table alias. */
export function instanceColumnList(alias?: string): string {
  return INSTANCE_COLUMNS.map(([column]) => (alias ? `${alias}.${column}` : column)).join(', ');
}

/** The columns of `durex_events` written by durex (the id is generated). */
export const EVENT_COLUMNS = ['instance_id', 'type', 'at', 'attempt', 'error', 'duration_ms', 'message'] as const;

/**
 * How one database represents values of each kind: `encode*` turns a field into a column value,
 * `decode*` turns what the driver returns back into the field.
 */
export interface RowCodec {
  encodeTime(value: Date): unknown;
  decodeTime(value: unknown): Date;
  encodeJson(value: unknown): unknown;
  decodeJson(value: unknown): unknown;
  encodeList(value: readonly string[]): unknown;
  decodeList(value: unknown): string[];
}

/** A row as the database returns it, keyed by column name. */
export type Row = Record<string, unknown>;

/** An instance as a row keyed by column name. */
export function encodeInstance(instance: InstanceState, codec: RowCodec): Row {
  const row: Row = {};
  for (const [column, field, kind] of INSTANCE_COLUMNS) row[column] = encodeValue(instance[field], kind, codec);
  return row;
}

/** Every field null: what a decoded instance starts from, so decoding only assigns fields of a fixed shape. */
const BLANK_STATE = Object.fromEntries(INSTANCE_COLUMNS.map(([, field]) => [field, null])) as unknown as InstanceState;

/** A row read from `durex_instances` as an instance without history. */
export function decodeInstance(row: Row, codec: RowCodec): Instance {
  const instance = new Instance(BLANK_STATE);
  const fields = instance as unknown as Record<string, unknown>;
  for (const [column, field, kind] of INSTANCE_COLUMNS) fields[field] = decodeValue(row[column], kind, codec);
  return instance;
}

/** The same from a row read as an array, its columns in {@link INSTANCE_COLUMNS} order (the driver's array row mode). */
export function decodeInstanceValues(values: readonly unknown[], codec: RowCodec): Instance {
  const instance = new Instance(BLANK_STATE);
  const fields = instance as unknown as Record<string, unknown>;
  for (let i = 0; i < INSTANCE_COLUMNS.length; i++) {
    const [, field, kind] = INSTANCE_COLUMNS[i]!;
    fields[field] = decodeValue(values[i], kind, codec);
  }
  return instance;
}

/** The columns a patch sets, keyed by column name; fields absent or undefined are left alone. */
export function encodePatch(patch: InstancePatch, codec: RowCodec): Row {
  const row: Row = {};
  for (const [column, field, kind] of INSTANCE_COLUMNS) {
    if (!(PATCH_FIELDS as readonly string[]).includes(field)) continue;
    const value = patch[field as PatchField];
    if (value !== undefined) row[column] = encodeValue(value, kind, codec);
  }
  return row;
}

/** An event of one instance as a row of `durex_events`. */
export function encodeEvent(instanceId: string, event: InstanceEvent, codec: RowCodec): Row {
  return {
    instance_id: instanceId,
    type: event.type,
    at: codec.encodeTime(event.timestamp),
    attempt: event.attempt ?? null,
    error: event.error ?? null,
    duration_ms: event.durationMs ?? null,
    message: event.message ?? null,
  };
}

/** A row of `durex_events` as an event, leaving out the fields that were not recorded. */
export function decodeEvent(row: Row, codec: RowCodec): InstanceEvent {
  return createEvent(row.type as EventType, codec.decodeTime(row.at), {
    attempt: row.attempt == null ? undefined : Number(row.attempt),
    error: row.error == null ? undefined : String(row.error),
    durationMs: row.duration_ms == null ? undefined : Number(row.duration_ms),
    message: row.message == null ? undefined : String(row.message),
  });
}

/** The events of a batch of instances (each instance's `history`), as rows in order. */
export function encodeHistories(instances: readonly Instance[], codec: RowCodec): Row[] {
  return instances.flatMap((instance) => instance.history.map((event) => encodeEvent(instance.id, event, codec)));
}

/** The distinct names of the instances a worker could run now or later (PENDING or REPEATING). */
export function runnableNames(instances: readonly { name: string; status: Status }[]): string[] {
  return [...new Set(instances.filter((i) => RUNNABLE_STATUSES.includes(i.status)).map((i) => i.name))];
}

function encodeValue(value: unknown, kind: ColumnKind, codec: RowCodec): unknown {
  if (value === null || value === undefined) return kind === 'json' ? codec.encodeJson(null) : null;
  switch (kind) {
    case 'time':
      return codec.encodeTime(value as Date);
    case 'json':
      return codec.encodeJson(value);
    case 'list':
      return codec.encodeList(value as string[]);
    default:
      return value;
  }
}

function decodeValue(value: unknown, kind: ColumnKind, codec: RowCodec): unknown {
  if (kind === 'json') return codec.decodeJson(value);
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'time':
      return codec.decodeTime(value);
    case 'list':
      return codec.decodeList(value);
    // PostgreSQL returns bigint columns as strings.
    case 'int':
      return Number(value);
    default:
      return value;
  }
}
