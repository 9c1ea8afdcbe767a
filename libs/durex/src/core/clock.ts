/**
 * Where the engine reads the time. Tests inject their own; `vi.useFakeTimers()` also works with the
 * default, since it reads `Date.now()` on every call.
 *
 * @publicApi
 */
export interface Clock {
  now(): number;
}

/** @publicApi */
export const systemClock: Clock = { now: () => Date.now() };
