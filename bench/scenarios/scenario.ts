import type { Target } from '../adapter.js';
import type { AgentClient } from '../agent/client.js';
import type { BenchConfig } from '../config.js';
import type { SystemInfo } from '../systems.js';
import type { ScenarioName } from './names.js';

/** How a metric reads: which way is better, or 'info' for context such as the job count. */
export type Direction = 'higher' | 'lower' | 'info';

export interface MetricDef {
  key: string;
  label: string;
  unit: string;
  better: Direction;
  /** Drawn in the chart. */
  chart?: boolean;
}

export type Metrics = Record<string, number>;

/** One run of one scenario for one system: a fresh target and a producer agent already set up. */
export interface RunContext {
  system: SystemInfo;
  target: Target;
  config: BenchConfig;
  producer: AgentClient;
  /** Notes for the report about this run (e.g. why its job count was reduced). */
  note(text: string): void;
}

export interface Scenario {
  name: ScenarioName;
  title: string;
  /** What it does, for the report. */
  description: string;
  metrics: MetricDef[];
  run(ctx: RunContext): Promise<Metrics>;
}

/**
 * The job count a run uses: `wanted`, or fewer for a system whose polling bounds its rate, so the
 * run takes about `maxSeconds`. `jobsPerUnit` counts jobs per unit (steps per workflow).
 */
export function capped(ctx: RunContext, wanted: number, parallelism: number, processes = 1, jobsPerUnit = 1): number {
  const rate = ctx.system.maxJobsPerSecond?.(parallelism);
  if (rate === undefined) return wanted;
  const units = Math.max(1, Math.floor((rate * processes * ctx.config.maxSeconds) / jobsPerUnit));
  if (units >= wanted) return wanted;
  ctx.note(`${units} instead of ${wanted} (polling bounds it to ${rate * processes} jobs/s)`);
  return units;
}

export const RSS_METRIC: MetricDef = { key: 'rssMb', label: 'worker peak RSS', unit: 'MB', better: 'lower' };
export const CPU_METRIC: MetricDef = { key: 'cpuMsPer1k', label: 'worker CPU per 1,000 jobs', unit: 'ms', better: 'lower' };
export const STORE_CPU_METRIC: MetricDef = { key: 'storeCpuMsPer1k', label: 'database CPU per 1,000 jobs', unit: 'ms', better: 'lower' };
export const JOBS_METRIC: MetricDef = { key: 'jobs', label: 'jobs', unit: '', better: 'info' };
