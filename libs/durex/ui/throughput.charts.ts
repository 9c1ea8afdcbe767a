import type { Throughput, ThroughputBucket } from './api.types.js';
import { type Plot, gridLines, niceScale, responsiveChart, timeLabels } from './chart.frame.js';
import { h, s } from './dom.js';
import { count, dateTime, percent, shortTime } from './format.js';

/** The outcomes a throughput bar stacks, bottom up, with how the legend names them. */
const OUTCOMES = [
  ['completed', 'Completed'],
  ['failed', 'Failed'],
  ['expired', 'Expired'],
  ['cancelled', 'Cancelled'],
] as const;

type Outcome = (typeof OUTCOMES)[number][0];

/** The totals of every outcome over the whole window. */
export function throughputTotals(throughput: Throughput): Record<Outcome, number> {
  const totals = { completed: 0, failed: 0, expired: 0, cancelled: 0 };
  for (const bucket of throughput.buckets) for (const [outcome] of OUTCOMES) totals[outcome] += bucket[outcome];
  return totals;
}

function finished(bucket: ThroughputBucket): number {
  return bucket.completed + bucket.failed + bucket.expired + bucket.cancelled;
}

/** Whether labels should carry the day: buckets of six hours or more. */
function labelsWithDay(throughput: Throughput): boolean {
  return throughput.bucket >= 21_600_000;
}

function bucketRange(throughput: Throughput, bucket: ThroughputBucket): string {
  const start = new Date(bucket.start);
  return `${dateTime(bucket.start)} – ${shortTime(new Date(start.getTime() + throughput.bucket), false)}`;
}

/** Finished instances per bucket as stacked bars, with a legend that doubles as the colour key. */
export function throughputChart(throughput: Throughput, windowLabel: string): HTMLElement {
  const totals = throughputTotals(throughput);
  const label = `Throughput, ${windowLabel.toLowerCase()}: ${OUTCOMES.map(([outcome, name]) => `${count(totals[outcome])} ${name.toLowerCase()}`).join(', ')}.`;
  const chart = responsiveChart(label, (plot) => {
    const { max, ticks } = niceScale(Math.max(0, ...throughput.buckets.map(finished)));
    const slot = (plot.right - plot.left) / throughput.buckets.length;
    const width = Math.max(1, slot * 0.72);
    const bars = throughput.buckets.map((bucket, index) => {
      let base = 0;
      const x = plot.left + slot * index + (slot - width) / 2;
      const segments = OUTCOMES.flatMap(([outcome]) => {
        const value = bucket[outcome];
        if (!value) return [];
        const top = plot.y(base + value, max);
        const bottom = plot.y(base, max);
        base += value;
        return [s('rect', { class: `bar ${outcome}`, x, y: top, width, height: Math.max(bottom - top, 1) })];
      });
      const summary = `${bucketRange(throughput, bucket)}: ${OUTCOMES.map(([outcome, name]) => `${bucket[outcome]} ${name.toLowerCase()}`).join(', ')}`;
      return s('g', null, s('title', null, summary), segments);
    });
    return [
      ...gridLines(plot, ticks, max, count),
      ...bars,
      ...timeLabels(plot, throughput.buckets.map((bucket) => new Date(bucket.start)), (time) => shortTime(time, labelsWithDay(throughput))),
      ...emptyNote(plot, totals.completed + totals.failed + totals.expired + totals.cancelled === 0),
    ];
  });
  const legend = h(
    'ul',
    { class: 'legend' },
    OUTCOMES.map(([outcome, name]) => h('li', null, h('span', { class: `swatch ${outcome}`, 'aria-hidden': 'true' }), `${name} ${count(totals[outcome])}`)),
  );
  return h('div', null, chart, legend);
}

/** The share of finished runs that failed, per bucket; buckets where nothing finished are gaps. */
export function failureRateChart(throughput: Throughput, windowLabel: string): HTMLElement {
  const totals = throughputTotals(throughput);
  const overall = percent(totals.failed, totals.failed + totals.completed);
  const label = `Failure rate, ${windowLabel.toLowerCase()}: ${overall} of finished runs failed.`;
  return responsiveChart(label, (plot) => {
    const slot = (plot.right - plot.left) / throughput.buckets.length;
    const points = throughput.buckets.map((bucket, index) => {
      const runs = bucket.completed + bucket.failed;
      return runs ? { x: plot.left + slot * index + slot / 2, rate: bucket.failed / runs, bucket, runs } : undefined;
    });
    const lines: Node[] = [];
    let run: { x: number; y: number }[] = [];
    const flush = () => {
      if (run.length > 1) {
        const first = run[0]!;
        const last = run.at(-1)!;
        const path = run.map((point) => `${point.x},${point.y}`).join(' ');
        lines.push(s('polygon', { class: 'rate-area', points: `${first.x},${plot.bottom} ${path} ${last.x},${plot.bottom}` }));
        lines.push(s('polyline', { class: 'rate-line', points: path }));
      }
      run = [];
    };
    for (const point of points) {
      if (point) run.push({ x: point.x, y: plot.y(point.rate, 1) });
      else flush();
    }
    flush();
    const dots = points.flatMap((point) =>
      point
        ? [
            s(
              'circle',
              { class: 'rate-dot', cx: point.x, cy: plot.y(point.rate, 1), r: 3 },
              s('title', null, `${bucketRange(throughput, point.bucket)}: ${percent(point.bucket.failed, point.runs)} failed (${point.bucket.failed} of ${point.runs})`),
            ),
          ]
        : [],
    );
    return [
      ...gridLines(plot, [0, 0.25, 0.5, 0.75, 1], 1, (value) => `${value * 100} %`),
      ...lines,
      ...dots,
      ...timeLabels(plot, throughput.buckets.map((bucket) => new Date(bucket.start)), (time) => shortTime(time, labelsWithDay(throughput))),
      ...emptyNote(plot, points.every((point) => point === undefined)),
    ];
  });
}

function emptyNote(plot: Plot, empty: boolean): Node[] {
  if (!empty) return [];
  return [s('text', { class: 'chart-note', x: (plot.left + plot.right) / 2, y: (plot.top + plot.bottom) / 2, 'text-anchor': 'middle' }, 'Nothing finished in this window')];
}
