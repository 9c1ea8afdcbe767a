import { formatNumber } from './format.js';
import { type BenchResults, summarise } from './results.js';
import type { ScenarioName } from './scenarios/names.js';
import type { SystemName } from './systems.js';

/**
 * A target of the performance issue: durex's median of a metric divided by a reference median (a
 * peer's in the same scenario, or durex's own in another), bounded from below or above.
 */
interface Goal {
  target: string;
  scenario: ScenarioName;
  metric: string;
  against: { system: SystemName; scenario?: ScenarioName };
  /** `min`: the ratio must be at least `bound`; `max`: at most. */
  kind: 'min' | 'max';
  bound: number;
}

const GOALS: readonly Goal[] = [
  { target: 'drain (1 process, parallelism 10) ≥ 1.0× graphile-worker batched', scenario: 'drain', metric: 'jobsPerSecond', against: { system: 'graphile-worker-batched' }, kind: 'min', bound: 1 },
  { target: 'drain ≥ 5× pg-boss (default)', scenario: 'drain', metric: 'jobsPerSecond', against: { system: 'pg-boss' }, kind: 'min', bound: 5 },
  { target: 'multi-process drain ≥ 1.0× graphile-worker batched', scenario: 'drain-multi', metric: 'jobsPerSecond', against: { system: 'graphile-worker-batched' }, kind: 'min', bound: 1 },
  { target: 'idle latency p50 ≤ graphile-worker', scenario: 'latency', metric: 'p50', against: { system: 'graphile-worker' }, kind: 'max', bound: 1 },
  { target: 'idle latency p99 ≤ 2× graphile-worker', scenario: 'latency', metric: 'p99', against: { system: 'graphile-worker' }, kind: 'max', bound: 2 },
  { target: 'enqueue one at a time ≥ 1.0× graphile-worker `addJob`', scenario: 'enqueue-one', metric: 'jobsPerSecond', against: { system: 'graphile-worker' }, kind: 'min', bound: 1 },
  { target: 'enqueue in batches ≥ 1.0× graphile-worker `addJobs`', scenario: 'enqueue-batch', metric: 'jobsPerSecond', against: { system: 'graphile-worker' }, kind: 'min', bound: 1 },
  { target: 'drain with 1,000,000 finished rows ≥ 0.8× durex on an empty table', scenario: 'table-pressure', metric: 'jobsPerSecond', against: { system: 'durex', scenario: 'drain' }, kind: 'min', bound: 0.8 },
  { target: 'worker peak RSS (drain) ≤ 1.2× graphile-worker', scenario: 'drain', metric: 'rssMb', against: { system: 'graphile-worker' }, kind: 'max', bound: 1.2 },
  { target: 'worker peak RSS (drain) ≤ 1.2× graphile-worker batched', scenario: 'drain', metric: 'rssMb', against: { system: 'graphile-worker-batched' }, kind: 'max', bound: 1.2 },
];

/**
 * The issue's targets, each with the two medians, their ratio and whether it was met. Where one is
 * missed, bench/PROFILE.md says where the time goes.
 */
export function goalsSection(results: BenchResults): string[] {
  const { scenarios, systems } = results.config;
  const rows = GOALS.filter(
    (goal) => scenarios.includes(goal.scenario) && scenarios.includes(goal.against.scenario ?? goal.scenario) && systems.includes(goal.against.system),
  ).map((goal) => {
    const durex = summarise(results, goal.scenario, 'durex', goal.metric).median;
    const reference = summarise(results, goal.against.scenario ?? goal.scenario, goal.against.system, goal.metric).median;
    const ratio = durex / reference;
    const verdict = !Number.isFinite(ratio) ? 'no data' : (goal.kind === 'min' ? ratio >= goal.bound : ratio <= goal.bound) ? 'met' : '**missed**';
    const referenceName = goal.against.scenario ? `${goal.against.system} (${goal.against.scenario})` : goal.against.system;
    return `| ${goal.target} | ${formatNumber(durex)} | ${formatNumber(reference)} ${referenceName} | ${Number.isFinite(ratio) ? `×${ratio.toFixed(2)}` : '–'} | ${verdict} |`;
  });
  if (!rows.length) return [];
  return [
    '## Targets',
    '',
    'The targets of the performance issue, on medians of this run. Where one is missed, ' +
      '[PROFILE.md](PROFILE.md) measures where the time goes.',
    '',
    '| target | durex | reference | ratio | |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
}
