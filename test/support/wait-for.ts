/**
 * Polls `probe` every 10 ms until it returns a truthy value (returned) or `timeout` ms pass (then
 * throws with `description`). Tests wait for outcomes with this, never with fixed sleeps.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { timeout = 10_000, interval = 10, description = 'condition' }: { timeout?: number; interval?: number; description?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`waitFor: ${description} not reached within ${timeout} ms${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
