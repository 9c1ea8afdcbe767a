import type { Instance } from '../../core/instance.js';

/**
 * What Nest's `REQUEST` provider holds while a request-scoped handler runs a job: the job, not an
 * HTTP request (there is none). A `ContextIdStrategy` registered with `ContextIdFactory.apply()`
 * receives it, so durable providers can be keyed by, say, `instance.data.tenantId`.
 *
 * @publicApi
 */
export interface DurexJobRequest {
  readonly instance: Instance;
  /** Which handler method the sub-tree was built for. */
  readonly method: 'execute' | 'recover' | 'expired';
}
