/** Environment variables as the sample reads them: strings that may be missing. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * A duration in milliseconds from the environment, or `fallback` when the variable is unset. A value
 * that is not a positive whole number stops the application at startup, naming the variable.
 */
export function readMilliseconds(env: Env, name: string, fallback: number): number {
  return readPositiveInteger(env, name, fallback, 'a positive whole number of milliseconds');
}

/** A positive integer from the environment, or `fallback` when unset; anything else throws, naming the variable. */
export function readPositiveInteger(env: Env, name: string, fallback: number, what = 'a positive whole number'): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be ${what}, got "${raw}"`);
  return value;
}

/** A non-empty string from the environment, or undefined. */
export function readOptional(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}
