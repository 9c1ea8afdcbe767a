import type { DurexLogger } from './logger.js';

/**
 * Runs an async job every `interval` ms, never two at once, and never keeps the process alive by
 * itself. A failing run is logged and the schedule goes on. With `runAtStart` the first run is at
 * start, for jobs whose output is wrong until they have run once.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly interval: number,
    private readonly job: () => Promise<void>,
    private readonly logger: DurexLogger,
    private readonly runAtStart = false,
  ) {}

  start(): void {
    this.stopped = false;
    if (this.runAtStart) this.run();
    else this.schedule();
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.run(), this.interval);
    this.timer.unref?.();
  }

  private run(): void {
    this.running = this.job()
      .catch((error: unknown) => this.logger.error(`${this.name} failed: ${(error as Error)?.message ?? String(error)}`))
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
  }
}
