import type { ClaimRequest, RateWindow } from './storage.interface.js';

/** What the limits look at in a ready instance. */
export interface ClaimCandidate {
  name: string;
  concurrencyKey: string | null;
}

/** The figures the limits are checked against, read while no other limited claim can run. */
export interface LimitCounts {
  /** STARTED instances per cluster-limited name. */
  runningByName: ReadonlyMap<string, number>;
  /** STARTED instances per concurrency key. */
  runningByKey: ReadonlyMap<string, number>;
  /** Start times (epoch ms) of each rate-limited name; those outside the window are ignored. */
  startsByName: ReadonlyMap<string, readonly number[]>;
}

/** Ready instances of a rate-limited name wait until `until` (epoch ms): the window is full till then. */
export interface RateHold {
  name: string;
  until: number;
}

/** The concurrency key limit when the claim names none. */
export const DEFAULT_KEY_LIMIT = 1;

/**
 * Decides which ready instances a limited claim takes, the same way in every storage: candidates
 * are offered in claim order and taken while their name, their key and the claim have room. Each
 * storage supplies the counts (read under its claim lock) and applies the decision.
 */
export class LimitedPick {
  /** Starts still allowed per name: the tightest of cluster concurrency, rate window and the per-process cap. */
  private readonly nameRoom = new Map<string, number>();
  private readonly keyRunning: Map<string, number>;
  /** In-window start times of each rate-limited name, this claim's included. */
  private readonly starts = new Map<string, number[]>();
  /** The rate limits of the requested names. */
  private readonly rate: [string, RateWindow][];
  private readonly keyLimit: number;
  private readonly now: number;
  private taken = 0;
  /** Whether the limits kept a ready candidate, or a whole name, out of this claim. */
  heldBack = false;

  constructor(
    private readonly request: ClaimRequest,
    counts: LimitCounts,
  ) {
    const limits = request.limits ?? {};
    this.now = request.now.getTime();
    this.keyLimit = limits.keyLimit ?? DEFAULT_KEY_LIMIT;
    this.keyRunning = new Map(counts.runningByKey);
    for (const [name, cap] of Object.entries(limits.concurrency ?? {})) this.restrict(name, cap - (counts.runningByName.get(name) ?? 0));
    this.rate = Object.entries(limits.rate ?? {}).filter(([name]) => request.names.includes(name));
    for (const [name, window] of this.rate) {
      const recent = (counts.startsByName.get(name) ?? []).filter((at) => at > this.now - window.per);
      this.starts.set(name, recent);
      this.restrict(name, window.max - recent.length);
    }
    for (const [name, cap] of Object.entries(request.perNameLimits ?? {})) this.restrict(name, cap);
    if (this.closedNames().length) this.heldBack = true;
  }

  /** Requested names that can take nothing now: a storage need not even look at their instances. */
  closedNames(): string[] {
    return this.request.names.filter((name) => (this.nameRoom.get(name) ?? 1) <= 0);
  }

  /** Keys already at their limit. */
  fullKeys(): string[] {
    return [...this.keyRunning].filter(([, running]) => running >= this.keyLimit).map(([key]) => key);
  }

  /** True once the claim has taken its `limit`. */
  get full(): boolean {
    return this.taken >= this.request.limit;
  }

  /** Takes the candidate if every limit has room for it, and counts it. */
  take(candidate: ClaimCandidate): boolean {
    if (this.full) return false;
    const room = this.nameRoom.get(candidate.name);
    const key = candidate.concurrencyKey;
    const keyRunning = key === null ? 0 : (this.keyRunning.get(key) ?? 0);
    if ((room !== undefined && room <= 0) || keyRunning >= this.keyLimit) {
      this.heldBack = true;
      return false;
    }
    if (room !== undefined) this.nameRoom.set(candidate.name, room - 1);
    if (key !== null) this.keyRunning.set(key, keyRunning + 1);
    this.starts.get(candidate.name)?.push(this.now);
    this.taken += 1;
    return true;
  }

  /** The rate-limited names whose window is full after this claim, and when each has room again. */
  holds(): RateHold[] {
    const holds: RateHold[] = [];
    for (const [name, window] of this.rate) {
      const starts = [...this.starts.get(name)!].sort((a, b) => a - b);
      // The next start is allowed once fewer than `max` starts remain within `per` of it: when the
      // (count - max + 1)-th oldest leaves the window.
      if (starts.length >= window.max) holds.push({ name, until: starts[starts.length - window.max]! + window.per });
    }
    return holds;
  }

  /** Names with a rate limit, whose starts the storage records. */
  rateNames(): string[] {
    return this.rate.map(([name]) => name);
  }

  private restrict(name: string, room: number): void {
    this.nameRoom.set(name, Math.min(room, this.nameRoom.get(name) ?? Infinity));
  }
}

/** Whether a claim must go through the limited path for these names (a limit applies to one of them). */
export function hasNameLimits(request: ClaimRequest): boolean {
  const { concurrency = {}, rate = {} } = request.limits ?? {};
  return request.names.some((name) => concurrency[name] !== undefined || rate[name] !== undefined);
}
