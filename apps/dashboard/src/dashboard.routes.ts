/** Where the standalone app mounts the admin API. */
export const API_PATH = 'durex';

/** Where the standalone app mounts the dashboard page. */
export const DASHBOARD_PATH = 'durex/ui';
