import { formatNumber, formatRatio } from './format.js';
import { type BenchResults, summarise } from './results.js';
import type { ScenarioName } from './scenarios/names.js';
import type { MetricDef } from './scenarios/scenario.js';
import type { SystemName } from './systems.js';

/** One panel of the chart: a metric of a scenario, one bar per system. */
export interface ChartPanel {
  scenario: ScenarioName;
  metric: MetricDef;
}

const WIDTH = 960;
const LABEL_X = 12;
const BAR_X = 200;
const BAR_WIDTH = 560;
const RATIO_X = 860;
const ROW = 20;
const PANEL_HEAD = 30;
const PANEL_GAP = 18;
const DUREX_COLOUR = '#d9480f';
const PEER_COLOUR = '#5c7cfa';

/**
 * A self-contained SVG of horizontal bar charts: the median of each system as a bar, its min–max
 * as a whisker, and durex ÷ that system on the right. A panel whose values span more than 30×
 * uses a log scale, so pg-boss and BullMQ fit on one axis.
 */
export function renderChart(results: BenchResults, panels: readonly ChartPanel[]): string {
  const systems = results.config.systems;
  let y = 40;
  const parts: string[] = [];
  for (const panel of panels) {
    parts.push(renderPanel(results, panel, systems, y));
    y += PANEL_HEAD + systems.length * ROW + PANEL_GAP;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${y}" fill="#ffffff"/>`,
    `<text x="${LABEL_X}" y="22" font-size="16" font-weight="bold">durex and its peers — medians of ${results.config.repeat} interleaved runs, whiskers min–max</text>`,
    `<text x="${RATIO_X}" y="22" font-size="11" fill="#555">durex ÷ system</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function renderPanel(results: BenchResults, { scenario, metric }: ChartPanel, systems: readonly SystemName[], top: number): string {
  const stats = systems.map((system) => summarise(results, scenario, system, metric.key));
  const durex = summarise(results, scenario, 'durex', metric.key).median;
  const scale = makeScale(stats.flatMap((s) => [s.min, s.max]).filter((v) => Number.isFinite(v) && v > 0));
  const better = metric.better === 'higher' ? 'higher is better' : 'lower is better';
  const out = [
    `<text x="${LABEL_X}" y="${top + 16}" font-size="13" font-weight="bold">${escape(`${metric.label} (${metric.unit})`)}</text>`,
    `<text x="${BAR_X + BAR_WIDTH}" y="${top + 16}" font-size="11" fill="#777" text-anchor="end">${escape(`${better}${scale.log ? ', log scale' : ''}`)}</text>`,
  ];
  systems.forEach((system, index) => {
    const y = top + PANEL_HEAD + index * ROW;
    const { median, min, max } = stats[index]!;
    out.push(`<text x="${LABEL_X}" y="${y + 13}">${escape(system)}</text>`);
    if (!Number.isFinite(median)) {
      out.push(`<text x="${BAR_X + 4}" y="${y + 13}" fill="#c92a2a">no successful run</text>`);
      return;
    }
    const end = scale.x(median);
    const colour = system === 'durex' ? DUREX_COLOUR : PEER_COLOUR;
    out.push(`<rect x="${BAR_X}" y="${y + 3}" width="${Math.max(1, end - BAR_X).toFixed(1)}" height="${ROW - 6}" fill="${colour}"/>`);
    if (max > min) {
      out.push(`<line x1="${scale.x(min).toFixed(1)}" x2="${scale.x(max).toFixed(1)}" y1="${y + ROW / 2}" y2="${y + ROW / 2}" stroke="#212529" stroke-width="1.5"/>`);
    }
    out.push(`<text x="${(Math.max(end, scale.x(max)) + 6).toFixed(1)}" y="${y + 13}">${escape(formatNumber(median))}</text>`);
    if (system !== 'durex') out.push(`<text x="${RATIO_X}" y="${y + 13}" fill="#444">${escape(formatRatio(durex, median))}</text>`);
  });
  return out.join('\n');
}

interface Scale {
  log: boolean;
  x(value: number): number;
}

function makeScale(values: readonly number[]): Scale {
  const hi = values.length ? Math.max(...values) : 1;
  const lo = values.length ? Math.min(...values) : 1;
  // Room on the right for the value label.
  const span = BAR_WIDTH - 70;
  if (hi / lo > 30) {
    const from = Math.floor(Math.log10(lo));
    const to = Math.ceil(Math.log10(hi));
    return { log: true, x: (v) => BAR_X + ((Math.log10(Math.max(v, 10 ** from)) - from) / (to - from)) * span };
  }
  return { log: false, x: (v) => BAR_X + (Math.max(v, 0) / hi) * span };
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
