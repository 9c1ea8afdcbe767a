/** @publicApi */
export interface CommandRateStats {
  limit: number;
  current: number;
}

/** @publicApi */
export interface RateLimitStats {
  /** 0 when there is no global limit. */
  globalLimit: number;
  globalCurrent: number;
  commands: Record<string, CommandRateStats>;
}

/** Releases a slot; calling it more than once has no further effect. @publicApi */
export type Release = () => void;

interface Waiter {
  name: string;
  resolve: (release: Release) => void;
}

/**
 * Caps concurrent executions per command name and overall, within this process (the reference's
 * `RateLimiter`). A limit of 0 means none.
 *
 * @publicApi
 */
export class RateLimiter {
  private readonly limits = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  private globalLimit = 0;
  private globalCount = 0;
  private waiters: Waiter[] = [];

  constructor(limits: Readonly<Record<string, number>> = {}, globalLimit = 0) {
    for (const [name, limit] of Object.entries(limits)) this.setLimit(name, limit);
    this.setGlobalLimit(globalLimit);
  }

  /** Sets the most concurrent executions of one command; 0 removes the limit. */
  setLimit(name: string, limit: number): void {
    if (limit > 0) this.limits.set(name, limit);
    else this.limits.delete(name);
    this.wakeWaiters();
  }

  /** Sets the most concurrent executions overall; 0 removes the limit. */
  setGlobalLimit(limit: number): void {
    this.globalLimit = Math.max(0, limit);
    this.wakeWaiters();
  }

  /** Takes a slot if one is free. */
  tryAcquire(name: string): Release | null {
    if (this.available(name) <= 0) return null;
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    this.globalCount += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.counts.set(name, (this.counts.get(name) ?? 1) - 1);
      this.globalCount -= 1;
      this.wakeWaiters();
    };
  }

  /** Waits for a slot; rejects with the signal's reason if it aborts first. */
  acquire(name: string, signal?: AbortSignal): Promise<Release> {
    const release = this.tryAcquire(name);
    if (release) return Promise.resolve(release);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { name, resolve };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Free slots for a command, counting the global limit; Infinity when neither limit applies. */
  available(name: string): number {
    const limit = this.limits.get(name);
    const own = limit === undefined ? Infinity : limit - (this.counts.get(name) ?? 0);
    return Math.min(own, this.globalAvailable());
  }

  /** Free slots under the global limit; Infinity without one. */
  globalAvailable(): number {
    return this.globalLimit > 0 ? this.globalLimit - this.globalCount : Infinity;
  }

  /** The names that have a per-command limit. */
  limitedNames(): string[] {
    return [...this.limits.keys()];
  }

  current(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  globalCurrent(): number {
    return this.globalCount;
  }

  stats(): RateLimitStats {
    const commands: Record<string, CommandRateStats> = {};
    for (const [name, limit] of this.limits) commands[name] = { limit, current: this.current(name) };
    return { globalLimit: this.globalLimit, globalCurrent: this.globalCount, commands };
  }

  private wakeWaiters(): void {
    const pending = this.waiters;
    this.waiters = [];
    for (const waiter of pending) {
      const release = this.tryAcquire(waiter.name);
      if (release) waiter.resolve(release);
      else this.waiters.push(waiter);
    }
  }
}
