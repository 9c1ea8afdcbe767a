/**
 * The benchmark's entry point (`npm run bench`, `npm run bench:smoke`): runs every scenario for
 * every system, interleaved and repeated, then writes the report, its chart and the raw results.
 * This process only orchestrates; each system runs in child processes (bench/agent).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient } from './agent/client.js';
import { renderChart } from './chart.js';
import { now } from './clock.js';
import { type BenchConfig, loadConfig } from './config.js';
import { formatNumber } from './format.js';
import { describeMachine } from './machine.js';
import { chartPanels, renderReport } from './report.js';
import type { BenchResults, RunRecord } from './results.js';
import { SCENARIOS } from './scenarios/index.js';
import type { Scenario } from './scenarios/scenario.js';
import { SYSTEMS, type SystemName } from './systems.js';
import { provision } from './targets.js';

/** bench/dist/bench/run.js → the repository root. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  // `--report <results.json>`: render the report and chart again from a run's raw results.
  if (args[0] === '--report') return rerender(args[1]);
  const config = loadConfig(args, process.env);
  const machine = await describeMachine(config, REPO_ROOT);
  const started = now();
  log(`bench${config.smoke ? ' (smoke)' : ''}: ${config.systems.join(', ')} × ${config.scenarios.join(', ')} × ${config.repeat}`);
  log(`machine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, PostgreSQL ${machine.postgres}, Node ${machine.node}, load ${machine.loadAtStart.toFixed(2)}`);
  const runs: RunRecord[] = [];
  for (let repeat = 1; repeat <= config.repeat; repeat++) {
    for (const name of config.scenarios) {
      // Rotate the order each repeat, so no system always runs first (cold caches) or last.
      for (const system of rotate(config.systems, repeat - 1)) {
        const record = await runOnce(config, SCENARIOS[name], system, repeat);
        runs.push(record);
        log(describe(record));
      }
    }
  }
  const results: BenchResults = { config, machine, runs, finishedAt: new Date().toISOString(), durationSeconds: (now() - started) / 1000 };
  write(results);
  const failed = runs.filter((r) => r.error).length;
  // The plain closing line test runners and CI read.
  console.log(`${runs.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

/** One scenario for one system: a fresh target, a producer agent, the scenario, then cleanup. */
async function runOnce(config: BenchConfig, scenario: Scenario, name: SystemName, repeat: number): Promise<RunRecord> {
  const system = SYSTEMS[name];
  const record: RunRecord = { scenario: scenario.name, system: name, repeat, notes: [], seconds: 0 };
  const started = now();
  const { target, release } = await provision(config, system, `${process.pid}`);
  let producer: AgentClient | undefined;
  try {
    producer = await AgentClient.spawn(system, target, 'producer');
    await producer.call({ op: 'setup' });
    const context = { system, target, config, producer, note: (text: string) => record.notes.push(text) };
    record.metrics = await withTimeout(scenario.run(context), config.runTimeoutSeconds);
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
  } finally {
    await producer?.close().catch(() => producer?.kill());
    await release();
    record.seconds = (now() - started) / 1000;
  }
  return record;
}

/** Fails a run that hangs (a stuck enqueue, a worker that never stops) and kills its processes. */
async function withTimeout<T>(work: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      AgentClient.killAll();
      reject(new Error(`timed out after ${seconds} s`));
    }, seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The report, its chart and the raw results, side by side (RESULTS.md, .svg, .json). */
function write(results: BenchResults): void {
  const report = join(REPO_ROOT, results.config.output);
  const raw = report.replace(/\.md$/, '.json');
  mkdirSync(dirname(report), { recursive: true });
  writeFileSync(raw, `${JSON.stringify(results, null, 2)}\n`);
  render(results);
  log(`wrote ${raw}`);
}

function render(results: BenchResults): void {
  const report = join(REPO_ROOT, results.config.output);
  const chart = report.replace(/\.md$/, '.svg');
  writeFileSync(chart, renderChart(results, chartPanels(results)));
  writeFileSync(report, renderReport(results, basename(chart)));
  log(`wrote ${report} and ${chart}`);
}

function rerender(rawFile: string | undefined): number {
  if (!rawFile) throw new Error('--report needs the raw results of a run, e.g. bench/RESULTS.json');
  render(JSON.parse(readFileSync(rawFile, 'utf8')) as BenchResults);
  return 0;
}

function describe(record: RunRecord): string {
  const head = `[${record.repeat}] ${record.scenario.padEnd(14)} ${record.system.padEnd(23)}`;
  if (record.error) return `${head} FAILED: ${record.error.split('\n')[0]}`;
  const scenario = SCENARIOS[record.scenario];
  const shown = scenario.metrics
    .filter((m) => m.better !== 'info' || m.key === 'jobs')
    .map((m) => `${formatNumber(record.metrics![m.key]!)}${m.unit ? ` ${m.unit}` : ' jobs'}`);
  return `${head} ${shown.join(' · ')} (${record.seconds.toFixed(1)} s)${record.notes.length ? ` — ${record.notes.join('; ')}` : ''}`;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function log(line: string): void {
  console.log(line);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
