import { AgentClient } from '../agent/client.js';
import type { WorkerReport } from '../agent/protocol.js';
import { sleep } from '../clock.js';
import { storeCpuMs } from '../store-cpu.js';
import { mergeCounts, VerificationError, verifyExactlyOnce } from '../verify.js';
import type { RunContext } from './scenario.js';

export interface WorkerPlan {
  processes: number;
  parallelism: number;
  /** Executions expected: ledger indices [0, expected). */
  expected: number;
  /** Runs once every worker is up (and idle for `idleMs`, if given), alongside the wait for the jobs. */
  feed?: () => Promise<unknown>;
  idleMs?: number;
}

export interface WorkerOutcome {
  /**
   * When draining began: the first worker ready, or its first handler start if a library runs
   * jobs before its start call returns. Start-up before that is not counted; the first fetch is.
   */
  startAt: number;
  /** Last handler start over all processes (epoch ms). */
  lastAt: number;
  /** Per-index latency (handler start − enqueue timestamp), merged over the processes. */
  latency: Float64Array;
  /** Largest peak RSS among the worker processes, MB. */
  rssMb: number;
  /** CPU time of all worker processes while they ran jobs, ms. */
  cpuMs: number;
  /** CPU time of the store's server (PostgreSQL or Redis) from the workers' start to the last execution, ms. */
  storeCpuMs: number;
}

const POLL_MS = 10;

/**
 * Runs worker processes until `expected` executions have been reported, watches them a little
 * longer for duplicates, stops them gracefully, and checks that every job ran exactly once and
 * that the queue holds nothing unfinished. Any failure fails the run.
 */
export async function runWorkers(ctx: RunContext, plan: WorkerPlan): Promise<WorkerOutcome> {
  const { config, system, target, producer } = ctx;
  const workers: AgentClient[] = [];
  try {
    for (let p = 0; p < plan.processes; p++) workers.push(await AgentClient.spawn(system, target, `worker ${p + 1}`));
    await Promise.all(workers.map((w) => w.call({ op: 'start', parallelism: plan.parallelism, ledgerSize: plan.expected })));
    if (plan.idleMs) await sleep(plan.idleMs);
    const storeCpuAtStart = storeCpuMs(system.store);
    const fed = plan.feed?.();
    await Promise.all([fed, waitForExecutions(workers, plan.expected, config.stallSeconds * 1000)]);
    const storeCpu = storeCpuMs(system.store) - storeCpuAtStart;
    await sleep(config.settleMs);
    const reports = await Promise.all(workers.map((w) => w.call({ op: 'finish' })));
    verify(reports, plan.expected);
    const left = await producer.call({ op: 'unfinished' });
    if (left !== 0) throw new VerificationError(`${left} jobs still unfinished in the queue after the workers stopped`);
    return { ...outcome(reports), storeCpuMs: storeCpu };
  } finally {
    await Promise.all(workers.map((w) => w.close().catch(() => w.kill())));
  }
}

async function waitForExecutions(workers: readonly AgentClient[], expected: number, stallMs: number): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const done = workers.reduce((sum, w) => sum + w.progress, 0);
    if (done >= expected) return;
    if (done !== last) {
      last = done;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) {
      throw new VerificationError(`stalled: ${done} of ${expected} jobs ran, none in the last ${stallMs / 1000} s`);
    }
    await sleep(POLL_MS);
  }
}

function verify(reports: readonly WorkerReport[], expected: number): void {
  const stray = reports.reduce((sum, r) => sum + r.stray, 0);
  verifyExactlyOnce(mergeCounts(reports.map((r) => r.counts)), expected, stray);
}

function outcome(reports: readonly WorkerReport[]): Omit<WorkerOutcome, 'storeCpuMs'> {
  const latency = new Float64Array(reports[0]!.latency.length).fill(Number.NaN);
  for (const report of reports) {
    report.latency.forEach((value, i) => {
      if (!Number.isNaN(value)) latency[i] = value;
    });
  }
  return {
    startAt: Math.min(...reports.map((r) => Math.min(r.readyAt, r.firstAt))),
    lastAt: Math.max(...reports.map((r) => r.lastAt)),
    latency,
    rssMb: Math.max(...reports.map((r) => r.peakRssBytes)) / 2 ** 20,
    cpuMs: reports.reduce((sum, r) => sum + r.cpuMicros, 0) / 1000,
  };
}

/** Jobs per second from the start of draining to the last handler start. */
export function throughput(jobs: number, out: WorkerOutcome): number {
  return jobs / ((out.lastAt - out.startAt) / 1000);
}
