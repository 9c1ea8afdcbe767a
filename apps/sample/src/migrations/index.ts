import { SampleInit1795850400000 } from './1795850400000-sample-init.js';
import { SampleOrderIdempotencyKey1795850400001 } from './1795850400001-sample-order-idempotency-key.js';

/** The order service's migrations, oldest first. */
export const SAMPLE_MIGRATIONS = [SampleInit1795850400000, SampleOrderIdempotencyKey1795850400001];
