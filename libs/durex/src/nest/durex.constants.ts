/**
 * Injection token of the resolved `DurexModuleOptions` (what `forRoot` received, or what the
 * `forRootAsync` factory returned).
 *
 * @publicApi
 */
export const DUREX_MODULE_OPTIONS = Symbol('DUREX_MODULE_OPTIONS');

/**
 * Injection token of the `DurexStorage` the module's executor runs on: `@Inject(DUREX_STORAGE)`
 * reaches the storage directly (health checks, admin tooling).
 *
 * @publicApi
 */
export const DUREX_STORAGE = Symbol('DUREX_STORAGE');

/**
 * The opened storage together with whether durex owns it (and so closes it at shutdown). Internal:
 * users inject {@link DUREX_STORAGE}.
 */
export const DUREX_STORAGE_REF = Symbol('DUREX_STORAGE_REF');

/** The context durex's Nest `Logger` writes under when no `logger` option is given. */
export const DUREX_LOGGER_CONTEXT = 'Durex';

/**
 * Injection token of the instance a per-job (request-scoped) handler runs: inject it with
 * `@InjectInstance()` in the handler or any request-scoped provider it depends on.
 *
 * @publicApi
 */
export const DUREX_INSTANCE = Symbol('DUREX_INSTANCE');
