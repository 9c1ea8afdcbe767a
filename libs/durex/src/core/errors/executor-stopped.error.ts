import { DurexError } from './durex.error.js';

/**
 * The executor was stopped; it accepts no more work.
 *
 * @publicApi
 */
export class ExecutorStoppedError extends DurexError {
  constructor() {
    super('durex: the executor is stopped', 'EXECUTOR_STOPPED');
  }
}
