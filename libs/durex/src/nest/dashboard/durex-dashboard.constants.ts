/**
 * Injection token of the resolved `DurexDashboardModuleOptions` (what `register` received, or what
 * the `registerAsync` factory returned).
 *
 * @publicApi
 */
export const DUREX_DASHBOARD_MODULE_OPTIONS = Symbol('DUREX_DASHBOARD_MODULE_OPTIONS');

/** Where one registration of the dashboard is mounted and whether a guard protects it. Internal. */
export const DUREX_DASHBOARD_ROUTE = Symbol('DUREX_DASHBOARD_ROUTE');

/** The files one registration serves, built when the application starts. Internal. */
export const DUREX_DASHBOARD_FILES = Symbol('DUREX_DASHBOARD_FILES');

/** The route of the page when `register` is given none. */
export const DEFAULT_DASHBOARD_PATH = 'durex/ui';

/** Where the page finds the admin API when `register` is given no `apiPath`: the admin module's default. */
export const DEFAULT_DASHBOARD_API_PATH = 'durex';

/** How often the page reloads what it shows while live updates are on. */
export const DEFAULT_REFRESH_INTERVAL_MS = 5_000;

/** The shortest refresh interval: each refresh costs the admin API a few queries. */
export const MIN_REFRESH_INTERVAL_MS = 1_000;

/** The page title when none is configured. */
export const DEFAULT_DASHBOARD_TITLE = 'durex';

/** The context the dashboard logs under. */
export const DUREX_DASHBOARD_LOGGER_CONTEXT = 'DurexDashboard';

/** The bundled script, as the build writes it and the page asks for it. */
export const DASHBOARD_SCRIPT = 'dashboard.js';

/** The bundled styles, as the build writes them and the page asks for them. */
export const DASHBOARD_STYLES = 'dashboard.css';
