import type { Instance } from '../core/instance.js';
import type { Middleware } from './middleware.js';

/**
 * A hook into every instance's life, for tracing and similar cross-cutting integrations (see
 * `openTelemetry()` in `nestjs-durex/opentelemetry`).
 *
 * @publicApi
 */
export interface Instrumentation {
  /**
   * Sees each new instance before it is stored (roots, children, schedule ticks), with the instance
   * whose handler created it, if any; may add metadata, such as a trace context to restore later.
   */
  onCreate?(instance: Instance, parent: Instance | undefined): void;
  /** Wraps every attempt, outside the executor's own middleware. */
  middleware?: Middleware;
}
