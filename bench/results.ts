import type { BenchConfig } from './config.js';
import type { Machine } from './machine.js';
import type { ScenarioName } from './scenarios/names.js';
import type { Metrics } from './scenarios/scenario.js';
import { type Spread, spread } from './stats.js';
import type { SystemName } from './systems.js';

/** One run of one scenario for one system. */
export interface RunRecord {
  scenario: ScenarioName;
  system: SystemName;
  repeat: number;
  metrics?: Metrics;
  /** Why the run failed (a missed or duplicated job, a stall, a crash). */
  error?: string;
  notes: string[];
  seconds: number;
}

export interface BenchResults {
  config: BenchConfig;
  machine: Machine;
  runs: RunRecord[];
  finishedAt: string;
  durationSeconds: number;
}

/** A metric over a system's successful repeats of a scenario. */
export function summarise(results: BenchResults, scenario: ScenarioName, system: SystemName, key: string): Spread {
  const values = results.runs
    .filter((r) => r.scenario === scenario && r.system === system && r.metrics && !r.error)
    .map((r) => r.metrics![key]!)
    .filter((v) => v !== undefined);
  return spread(values);
}

export function runsOf(results: BenchResults, scenario: ScenarioName, system: SystemName): RunRecord[] {
  return results.runs.filter((r) => r.scenario === scenario && r.system === system);
}
