import type { DurexStorage } from '../storage/storage.interface.js';
import type { ResolvedExecutorOptions } from './executor-options.js';
import type { HandlerRegistry } from './handler-registry.js';
import type { WorkerPool } from './worker-pool.js';

const MAX_ERROR_BACKOFF = 5_000;
/** First wait before claiming again when ready work was locked by another process's claim. */
const LOCKED_RETRY_MS = 5;
/**
 * A failure this soon after the storage came back is taken for the tail of the same outage (a pooled
 * connection the cut left dead, found on its first use) until it has failed this many times in a row.
 */
const RELAPSE_WINDOW_MS = 2_000;
const RELAPSE_FAILURES_TO_ANNOUNCE = 3;

/**
 * The claim loop. It claims as many ready instances as there are free workers, plus the `prefetch`
 * buffer (in batches, within the concurrency limits), and otherwise sleeps until the earliest
 * `readyAt` or deadline it knows of, a wake-up (new work, a worker freed, an outcome written, a
 * notification from another process), or `pollInterval` as the fallback. So a delayed instance
 * starts when it is due, not at the next poll. With a buffer, it refills only once the buffer has
 * fallen to half, so each claim takes a large batch; and it stops claiming while too many outcomes
 * wait to be written, so a slow database is not handed ever more work.
 */
export class Scheduler {
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private overdueCheckAt = 0;
  private failures = 0;
  /** Whether the current run of failures has been logged as an outage, so its end is logged too. */
  private outageAnnounced = false;
  private recoveredAt = Number.NEGATIVE_INFINITY;
  /** The time the last claim looked for ready work at. */
  private claimedUpTo = 0;
  /** The last passed deadline the overdue check was made to run for. */
  private pastDueChecked = Number.NaN;
  /** Most outcomes waiting to be written before claims pause. */
  private readonly maxUnwritten: number;
  /** Whether concurrency limits shaped the last claim (left names out, or capped them). */
  private limitedOut = false;
  /** Claims in a row that found nothing although ready work was waiting. */
  private misses = 0;
  /** Whether the last claim came up short of its batch (or concurrency limits held it back): only then is the queue worth asking when work is next due. */
  private lastClaimShort = true;

  constructor(
    private readonly storage: DurexStorage,
    private readonly options: ResolvedExecutorOptions,
    private readonly registry: HandlerRegistry,
    private readonly pool: WorkerPool,
    private readonly owner: string,
  ) {
    this.maxUnwritten = Math.max(1_000, 2 * (options.parallelism + options.prefetch));
  }

  start(): void {
    this.stopping = false;
    this.loop = this.run();
  }

  /** Makes the loop look at storage now. Cheap; call it whenever something may have become claimable. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops claiming; resolves when the loop has exited. Running instances are the pool's business. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const more = await this.tick();
        this.storageRecovered();
        if (!more) await this.sleep(await this.idleTime());
      } catch (error) {
        await this.sleep(this.storageFailed(error));
      }
    }
  }

  /** One claim round; true when it filled its batch, so more may be waiting. */
  private async tick(): Promise<boolean> {
    const names = this.registry.claimableNames();
    if (!names.length) return false;
    const now = this.options.clock.now();
    this.claimedUpTo = now;
    // Beside the claim, not before it: looking for overdue instances must not delay new work.
    const overdue = now >= this.overdueCheckAt ? this.expireOverdue(names, now).then(() => undefined, (error: unknown) => ({ error })) : undefined;
    const more = await this.claimReady(names, now).catch(async (error: unknown) => {
      await overdue;
      throw error;
    });
    const failed = await overdue;
    if (failed) throw failed.error;
    return more;
  }

  /**
   * Claims ready instances for free workers and the buffer; true when it filled its batch. Names
   * with a cluster-wide concurrency or rate limit are claimed for free workers only, never for the
   * buffer: a buffered instance would count as running, or as started, while it waits.
   */
  private async claimReady(names: readonly string[], now: number): Promise<boolean> {
    this.limitedOut = false;
    this.lastClaimShort = false;
    if (!this.wantsWork()) return false;
    this.lastClaimShort = true;
    const limiter = this.options.rateLimiter;
    const cluster = this.registry.clusterLimits(names, this.options);
    const clusterNames = new Set([...Object.keys(cluster.concurrency), ...Object.keys(cluster.rate)]);
    const freeWorkers = this.options.parallelism - this.pool.size - this.pool.buffered;
    // Buffered instances will need permits too, so they count against the concurrency limits.
    const room = (name: string) =>
      Math.min(limiter.available(name) - this.pool.bufferedOf(name), clusterNames.has(name) ? freeWorkers : Infinity);
    let limit = Math.min(this.pool.capacity, this.options.claimBatchSize, limiter.globalAvailable() - this.pool.buffered);
    this.limitedOut = limit <= 0;
    if (limit <= 0) return false;
    const limitedNames = [...new Set([...limiter.limitedNames(), ...clusterNames])];
    const eligible = names.filter((name) => !limitedNames.includes(name) || room(name) > 0);
    this.limitedOut = eligible.length < names.length;
    if (!eligible.length) return false;
    // Per-name caps do not bound their sum: a claim that may take cluster-limited names takes no
    // more than the free workers. The buffer fills once the workers are busy, when those names
    // have no room and are left out.
    if (eligible.some((name) => clusterNames.has(name))) limit = Math.min(limit, freeWorkers);
    const perNameLimits: Record<string, number> = {};
    for (const name of limitedNames) {
      const available = room(name);
      if (eligible.includes(name) && available < limit) perNameLimits[name] = available;
    }
    if (Object.keys(perNameLimits).length) this.limitedOut = true;
    const claimed = await this.storage.claim({
      owner: this.owner,
      limit,
      leaseMs: this.options.lease.duration,
      now: new Date(now),
      names: eligible,
      perNameLimits,
      limits: { ...cluster, keyLimit: this.options.concurrencyKeyLimit },
    });
    this.pool.accept(claimed);
    if (claimed.length) this.misses = 0;
    // Work the limits held back is claimable once a limited instance ends (a wake-up, from this
    // process or, by notification, from another) or, rate-limited, at its moved `readyAt`.
    if (claimed.heldBack) this.limitedOut = true;
    this.lastClaimShort = claimed.length < limit;
    return claimed.length === limit;
  }

  /** A claim is due: there is room, the buffer is at most half full, and the writer keeps up. */
  private wantsWork(): boolean {
    return this.pool.capacity > 0 && this.pool.buffered <= this.options.prefetch / 2 && this.pool.unwritten < this.maxUnwritten;
  }

  /** Expires queued instances whose deadline passed, even when every worker is busy. */
  private async expireOverdue(names: readonly string[], now: number): Promise<void> {
    this.overdueCheckAt = now + this.options.pollInterval;
    const overdue = await this.storage.claim({
      owner: this.owner,
      limit: this.options.claimBatchSize,
      leaseMs: this.options.lease.duration,
      now: new Date(now),
      names,
      overdueOnly: true,
    });
    for (const instance of overdue) this.pool.expire(instance);
    this.pool.expireBuffered(now);
    if (overdue.length === this.options.claimBatchSize) this.overdueCheckAt = now;
  }

  /** How long to sleep when nothing more can be claimed now. */
  private async idleTime(): Promise<number> {
    const poll = this.options.pollInterval;
    if (!this.wantsWork()) return Math.max(0, Math.min(poll, this.overdueCheckAt - this.options.clock.now()));
    // The last tick did not claim (the buffer was full enough then) and now there is room: claim,
    // rather than ask the queue when work is due, a round trip that a full queue answers with "now".
    if (!this.lastClaimShort) return 0;
    const wake = await this.storage.nextWakeAt(this.registry.claimableNames());
    const now = this.options.clock.now();
    // A deadline expires once it has passed, by the overdue check, never by the claims below.
    const expiresAt = wake.deadlineAt ? wake.deadlineAt.getTime() + 1 : Infinity;
    // Passed, and possibly before its instance could be seen (a slow insert, a deadlineAt already
    // past), so at no earlier check: check once for each such time rather than wait for the poll.
    if (expiresAt <= now && expiresAt !== this.pastDueChecked) {
      this.pastDueChecked = expiresAt;
      this.overdueCheckAt = now;
      return 0;
    }
    const upcomingExpiry = expiresAt > now ? expiresAt : Infinity;
    this.overdueCheckAt = Math.min(this.overdueCheckAt, upcomingExpiry);
    const next = Math.min(wake.readyAt?.getTime() ?? Infinity, upcomingExpiry);
    if (next === Infinity) return poll;
    const due = next - now;
    // Ready but not claimed. If it became ready since the last claim looked (while that claim was in
    // flight, or a timer fired a hair early), look again now; that cannot spin, since the next
    // claim looks later than its readyAt. If it was ready then, either a concurrency limit kept it
    // out, and a freed worker wakes us; or another process's claim had it locked (SKIP LOCKED), and
    // that claim ends in milliseconds: look again soon, backing off to the poll interval.
    if (due <= 0) {
      if (next > this.claimedUpTo) return 0;
      return this.limitedOut ? poll : Math.min(poll, LOCKED_RETRY_MS * 2 ** this.misses++);
    }
    return Math.min(due, poll);
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopping) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = finish;
    });
  }

  private storageFailed(error: unknown): number {
    this.failures += 1;
    const relapse = this.options.clock.now() - this.recoveredAt < RELAPSE_WINDOW_MS;
    if (!this.outageAnnounced && (!relapse || this.failures >= RELAPSE_FAILURES_TO_ANNOUNCE)) {
      this.outageAnnounced = true;
      this.options.logger.error(`durex: storage unavailable, retrying with backoff: ${(error as Error)?.message ?? String(error)}`);
    }
    return Math.min(100 * 2 ** (this.failures - 1), MAX_ERROR_BACKOFF);
  }

  private storageRecovered(): void {
    if (this.failures === 0) return;
    if (this.outageAnnounced) {
      this.options.logger.log(`durex: storage reachable again after ${this.failures} failed attempts`);
      this.recoveredAt = this.options.clock.now();
    }
    this.outageAnnounced = false;
    this.failures = 0;
  }
}
