import { SampleInit1795850400000 } from './1795850400000-sample-init.js';

/** The order service's migrations, oldest first. */
export const SAMPLE_MIGRATIONS = [SampleInit1795850400000];
