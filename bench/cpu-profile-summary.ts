/**
 * Summarises the `.cpuprofile` files Node writes with `--cpu-prof` (see PROFILE.md): self time per
 * area of the code (durex's engine and storage, the pg driver, Node's own internals, garbage
 * collection, idle) and the functions that take the most.
 *
 *   node bench/dist/bench/cpu-profile-summary.js /tmp/prof
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const AREAS: readonly [string, RegExp][] = [
  ['durex engine', /libs\/durex\/src\/(engine|core)\//],
  ['durex storage', /libs\/durex\/src\/storage\//],
  ['bench harness', /\/bench\//],
  ['pg driver', /node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-array|postgres-date)\//],
  ['typeorm', /node_modules\/typeorm\//],
  ['other packages', /node_modules\//],
  ['node internals', /^node:|^internal\//],
];

function areaOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'V8 / native';
  return AREAS.find(([, pattern]) => pattern.test(url))?.[0] ?? (url ? 'other' : 'V8 / native');
}

function summarise(dir: string): void {
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, index) => {
      const node = nodes.get(id)!;
      const micros = profile.timeDeltas[index] ?? 0;
      const area = areaOf(node);
      byArea.set(area, (byArea.get(area) ?? 0) + micros);
      if (area === 'idle') return;
      total += micros;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(libs|node_modules|bench)\//, '$1/')}:${lineNumber + 1}`;
      byFunction.set(where, (byFunction.get(where) ?? 0) + micros);
    });
  }
  const ms = (micros: number) => (micros / 1000).toFixed(0).padStart(7);
  const share = (micros: number) => `${((micros / total) * 100).toFixed(1).padStart(5)} %`;
  console.log(`busy (not idle): ${ms(total)} ms`);
  for (const [area, micros] of [...byArea].sort((a, b) => b[1] - a[1])) {
    console.log(`${area.padEnd(20)} ${ms(micros)} ms${area === 'idle' ? '' : ` ${share(micros)}`}`);
  }
  console.log('\ntop functions by self time:');
  for (const [where, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${ms(micros)} ms ${share(micros)}  ${where}`);
  }
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/dist/bench/cpu-profile-summary.js <directory of .cpuprofile files>');
  process.exit(2);
}
summarise(dir);
