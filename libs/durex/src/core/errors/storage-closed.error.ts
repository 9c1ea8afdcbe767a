import { DurexError } from './durex.error.js';

/**
 * The storage was closed.
 *
 * @publicApi
 */
export class StorageClosedError extends DurexError {
  constructor() {
    super('durex: storage is closed', 'STORAGE_CLOSED');
  }
}
