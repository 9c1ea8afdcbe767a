import type { ProcessSample } from '../faults/support/fault-worker.config.js';

/** One row of the soak: what every process and the database looked like at one moment. */
export interface SoakRow {
  /** Seconds since the load started. */
  t: number;
  workers: ProcessSample[];
  /** Connections to the soak's database by application_name. */
  connections: Record<string, number>;
  pending: number;
  executed: number;
}

/** A criterion of the soak and whether it held. */
export interface Verdict {
  what: string;
  before: number;
  after: number;
  limit: string;
  ok: boolean;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
const mb = (bytes: number) => Math.round(bytes / 1_048_576);

/**
 * Judges the rows after warm-up: each worker's RSS and live heap (sampled after a full collection)
 * stay within 10 % (the median of the last three samples against the median of the first three
 * after warm-up, so no single sample decides), and neither database connections nor active handles
 * and timers grow.
 */
export function judge(rows: readonly SoakRow[], warmupSeconds: number): Verdict[] {
  const after = rows.filter((row) => row.t >= warmupSeconds);
  if (after.length < 4) throw new Error(`the soak has ${after.length} samples after warm-up; it needs at least 4`);
  const start = after.slice(0, 3);
  const end = after.slice(-3);
  const verdicts: Verdict[] = [];
  const workers = after[0]!.workers.length;
  for (let n = 0; n < workers; n += 1) {
    for (const [what, pick] of [
      ['RSS (MB)', (s: ProcessSample) => s.rss],
      ['heap used (MB)', (s: ProcessSample) => s.heapUsed],
    ] as const) {
      const before = median(start.map((row) => pick(row.workers[n]!)));
      const last = median(end.map((row) => pick(row.workers[n]!)));
      verdicts.push({ what: `worker ${n} ${what}`, before: mb(before), after: mb(last), limit: '≤ +10 %', ok: last <= before * 1.1 });
    }
    verdicts.push(noGrowth(`worker ${n} active handles and timers`, after, (row) => total(row.workers[n]!.resources)));
  }
  verdicts.push(noGrowth('database connections', after, (row) => total(row.connections)));
  return verdicts;
}

/**
 * Counts of sockets, timers and connections move with the work in flight at the moment of a sample;
 * a leak makes them climb. So the end (the median of the last three samples) may not exceed the most
 * seen over the first half.
 */
function noGrowth(what: string, rows: readonly SoakRow[], count: (row: SoakRow) => number): Verdict {
  const firstHalf = Math.max(...rows.slice(0, Math.ceil(rows.length / 2)).map(count));
  const last = median(rows.slice(-3).map(count));
  return { what, before: firstHalf, after: last, limit: 'no growth', ok: last <= firstHalf };
}

/** A fixed-width table of the rows, one per sample. */
export function formatRows(rows: readonly SoakRow[]): string {
  const header = ['t (s)', ...rows[0]!.workers.flatMap((_, n) => [`w${n} RSS MB`, `w${n} heap MB`, `w${n} handles`]), 'connections', 'pending', 'executed'];
  const lines = rows.map((row) => [
    String(row.t),
    ...row.workers.flatMap((sample) => [String(mb(sample.rss)), String(mb(sample.heapUsed)), String(total(sample.resources))]),
    Object.entries(row.connections)
      .map(([app, n]) => `${app}:${n}`)
      .join(' '),
    String(row.pending),
    String(row.executed),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  return [header, ...lines].map((line) => line.map((cell, column) => cell.padStart(widths[column]!)).join('  ')).join('\n');
}
