import type { Instance } from '../core/instance.js';
import type { DurexLogger } from './logger.js';

/** The lifecycle moments integration code can observe in-process. @publicApi */
export type DurexEventType =
  | 'enqueued'
  | 'started'
  | 'completed'
  | 'retrying'
  | 'failed'
  | 'deadLettered'
  | 'expired'
  | 'cancelled'
  | 'repeating'
  | 'progress';

/** One observed moment. `instance` is a snapshot; changing it changes nothing stored. @publicApi */
export interface DurexEvent {
  type: DurexEventType;
  instance: Instance;
  at: Date;
  /** For `retrying`, `failed` and `deadLettered` after an error. */
  error?: Error;
  /** For `completed`, `retrying`, `failed` and `deadLettered`: how long the attempt ran. */
  durationMs?: number;
}

/** @publicApi */
export type DurexEventListener = (event: DurexEvent) => void | Promise<void>;

/**
 * In-process lifecycle events of one executor: emitted after the state change they describe was
 * stored, in the process that made it. Listeners cannot break execution: what they throw (or reject
 * with) is logged and dropped.
 */
export class LifecycleEvents {
  private readonly listeners = new Map<DurexEventType | '*', Set<DurexEventListener>>();

  constructor(private readonly logger: DurexLogger) {}

  /** Listens to one event type, or every type with '*'; returns the function that stops listening. */
  on(type: DurexEventType | '*', listener: DurexEventListener): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** True when someone listens to `type`: events nobody hears are not built (their snapshot is a deep copy). */
  wants(type: DurexEventType): boolean {
    return Boolean(this.listeners.get(type)?.size || this.listeners.get('*')?.size);
  }

  emit(event: DurexEvent): void {
    for (const listener of [...(this.listeners.get(event.type) ?? []), ...(this.listeners.get('*') ?? [])]) {
      try {
        Promise.resolve(listener(event)).catch((error: unknown) => this.failed(event, error));
      } catch (error) {
        this.failed(event, error);
      }
    }
  }

  private failed(event: DurexEvent, error: unknown): void {
    this.logger.error(`durex: a '${event.type}' listener failed for command ${event.instance.name} ${event.instance.id}: ${(error as Error)?.message ?? String(error)}`);
  }
}
