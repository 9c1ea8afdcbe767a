import type { JobPayload } from '../adapter.js';
import { now } from '../clock.js';
import type { WorkerReport } from './protocol.js';

/**
 * Counts every handler start per job index, and when it happened relative to the job's enqueue
 * timestamp. Typed arrays, so recording costs a few nanoseconds and no allocation per job.
 */
export class Ledger {
  readonly counts: Uint32Array;
  readonly latency: Float64Array;
  executed = 0;
  stray = 0;
  firstAt = Number.POSITIVE_INFINITY;
  lastAt = 0;
  /** CPU usage at the first handler start and at the last progress sample, bounding the same window as the times. */
  private cpuAtFirst: NodeJS.CpuUsage | undefined;
  private cpuAtLast: NodeJS.CpuUsage | undefined;

  constructor(size: number) {
    this.counts = new Uint32Array(size);
    this.latency = new Float64Array(size).fill(Number.NaN);
  }

  readonly record = (job: JobPayload): void => {
    const at = now();
    this.executed += 1;
    if (this.executed === 1) this.cpuAtFirst = process.cpuUsage();
    if (at < this.firstAt) this.firstAt = at;
    if (at > this.lastAt) this.lastAt = at;
    const i = job?.i;
    if (!Number.isInteger(i) || i < 0 || i >= this.counts.length) {
      this.stray += 1;
      return;
    }
    this.counts[i]! += 1;
    if (this.counts[i] === 1) this.latency[i] = at - job.t;
  };

  /** Called when progress is reported, so the CPU window closes within one progress period of the last job. */
  sampleCpu(): void {
    this.cpuAtLast = process.cpuUsage();
  }

  /** CPU time (user + system) between the first handler start and the last sample, microseconds. */
  cpuMicros(): number {
    if (!this.cpuAtFirst || !this.cpuAtLast) return 0;
    return this.cpuAtLast.user - this.cpuAtFirst.user + (this.cpuAtLast.system - this.cpuAtFirst.system);
  }

  report(readyAt: number, peakRssBytes: number): WorkerReport {
    return {
      counts: this.counts,
      latency: this.latency,
      stray: this.stray,
      readyAt,
      executed: this.executed,
      firstAt: this.firstAt,
      lastAt: this.lastAt,
      peakRssBytes,
      cpuMicros: this.cpuMicros(),
    };
  }
}
