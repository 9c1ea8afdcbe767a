/**
 * Where the engine writes its logs. Nest's `Logger` and `LoggerService` fit it as they are; so does
 * `console`.
 *
 * @publicApi
 */
export interface DurexLogger {
  log(message: string, ...context: unknown[]): void;
  warn(message: string, ...context: unknown[]): void;
  error(message: string, ...context: unknown[]): void;
  debug?(message: string, ...context: unknown[]): void;
}

/** Writes warnings and errors to the console and drops the rest: quiet by default. */
export const consoleLogger: DurexLogger = {
  log: () => undefined,
  warn: (message) => console.warn(`[durex] ${message}`),
  error: (message) => console.error(`[durex] ${message}`),
};
