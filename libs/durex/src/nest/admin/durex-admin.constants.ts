/**
 * Injection token of the resolved `DurexAdminModuleOptions` (what `register` received, or what the
 * `registerAsync` factory returned).
 *
 * @publicApi
 */
export const DUREX_ADMIN_MODULE_OPTIONS = Symbol('DUREX_ADMIN_MODULE_OPTIONS');

/** Where one registration of the admin API is mounted and whether a guard protects it. Internal. */
export const DUREX_ADMIN_ROUTE = Symbol('DUREX_ADMIN_ROUTE');

/** The route prefix when `register` is given none. */
export const DEFAULT_ADMIN_PATH = 'durex';

/** The context the admin API logs under. */
export const DUREX_ADMIN_LOGGER_CONTEXT = 'DurexAdmin';

/** The OpenAPI tag of every admin route. */
export const DUREX_ADMIN_API_TAG = 'durex';

/** Page size when a list request gives no `limit`. */
export const DEFAULT_PAGE_SIZE = 50;

/** Largest `limit` a list request may ask for, so one request cannot load the whole table. */
export const MAX_PAGE_SIZE = 200;

/** Largest `offset`; beyond it databases reject the integer, so it is refused up front. */
export const MAX_OFFSET = 2_147_483_647;

/** Longest filter text (names, tags, trace and correlation ids), the longest any spec may hold. */
export const MAX_FILTER_LENGTH = 255;

/** Largest age a purge accepts (about 100 years): older cut-offs fall outside what a Date can hold. */
export const MAX_AGE_MS = 100 * 365 * 86_400_000;

/** The throughput window when a request gives none: the last hour. */
export const DEFAULT_THROUGHPUT_WINDOW_MS = 3_600_000;

/** The throughput bucket when a request gives none: two minutes, so the default window has 30 bars. */
export const DEFAULT_THROUGHPUT_BUCKET_MS = 120_000;

/** The shortest throughput bucket: finer than a second says nothing a chart can show. */
export const MIN_THROUGHPUT_BUCKET_MS = 1_000;

/** The longest throughput window: 31 days. */
export const MAX_THROUGHPUT_WINDOW_MS = 31 * 86_400_000;

/** The most buckets one throughput request may ask for: each costs one grouped count in storage. */
export const MAX_THROUGHPUT_BUCKETS = 120;
