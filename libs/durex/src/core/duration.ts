/**
 * Durations are plain milliseconds. These helpers keep call sites readable.
 *
 * @publicApi
 */
export const seconds = (n: number): number => n * 1_000;
/** @publicApi */
export const minutes = (n: number): number => n * 60_000;
/** @publicApi */
export const hours = (n: number): number => n * 3_600_000;
/** @publicApi */
export const days = (n: number): number => n * 86_400_000;

/** True for a finite, non-negative number of milliseconds. */
export function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
