/** How long storage may take to answer one health check when no `timeout` is given, in ms. */
export const DEFAULT_HEALTH_TIMEOUT = 1_000;

/** The result key of the durex indicator when `isHealthy` is given none. */
export const DEFAULT_HEALTH_KEY = 'durex';

/** Most expired leases one check counts, so a mass outage cannot make the check itself slow. */
export const STUCK_SCAN_LIMIT = 1_000;
