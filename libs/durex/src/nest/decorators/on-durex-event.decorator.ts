import { DiscoveryService } from '@nestjs/core';
import type { DurexEventListener, DurexEventType } from '../../engine/lifecycle-events.js';

/** The discoverable decorator behind `@OnDurexEvent`; the explorer reads it per method of every provider. */
export const OnDurexEventDiscoverable = DiscoveryService.createDecorator<DurexEventType | '*'>();

/**
 * Marks a provider method that listens to durex lifecycle events of this process ('enqueued',
 * 'started', 'completed', 'retrying', 'failed', 'deadLettered', 'expired', 'cancelled',
 * 'repeating', or '*' for all), called once the change is stored. What it throws is logged, never
 * breaks execution.
 *
 * ```ts
 * @Injectable()
 * export class OrderNotifier {
 *   @OnDurexEvent('deadLettered')
 *   alert({ instance, error }: DurexEvent) { … }
 * }
 * ```
 *
 * @publicApi
 */
export const OnDurexEvent: ((type: DurexEventType | '*') => <F extends DurexEventListener>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<F>,
) => void) & {
  /** The metadata key the marked method carries. */
  readonly KEY: string;
} = Object.assign((type: DurexEventType | '*') => OnDurexEventDiscoverable(type), { KEY: OnDurexEventDiscoverable.KEY });
