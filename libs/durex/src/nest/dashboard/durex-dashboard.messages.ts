/*
 * Every message the dashboard module writes, in one place: each names the culprit and the fix.
 */

/** Logged at startup when the dashboard is mounted without a guard. */
export function unprotectedDashboardMessage(path: string): string {
  return (
    `the durex dashboard at /${path} has no guard: anyone who reaches this HTTP server can open it. ` +
    `Protect it with DurexDashboardModule.register({ path: '${path}', guard: AdminGuard }), and the admin API it calls with ` +
    "DurexAdminModule.register({ guard: AdminGuard }). If a global guard (APP_GUARD) already protects every route, pass it here too to silence this warning."
  );
}

/** The bundled page is missing: the library was compiled without its dashboard build step. */
export function missingAssetsMessage(directory: string, cause: string): string {
  return (
    `the durex dashboard's built files are missing from ${directory} (${cause}). ` +
    'They are produced by the library build (npm run build:lib in the durex repository); a published nestjs-durex package ships them.'
  );
}

/** `refreshInterval` that is not a usable number of milliseconds. */
export function invalidRefreshIntervalMessage(received: unknown, minimum: number): string {
  return `must be a whole number of milliseconds of at least ${minimum}, got ${JSON.stringify(received) ?? String(received)}`;
}

/** `title` that is not text. */
export function invalidTitleMessage(received: unknown): string {
  return `must be a non-empty string, got ${JSON.stringify(received) ?? String(received)}`;
}
