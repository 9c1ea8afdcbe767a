import { h, s } from './dom.js';
import { clock, count, percent } from './format.js';
import { type Page, routeHref } from './page.js';
import { STATUS_ORDER, statusClass, statusLabel } from './status.badge.js';
import { failureRateChart, throughputChart, throughputTotals } from './throughput.charts.js';

/** The windows the charts can cover, each with a bucket width that gives 28 to 48 bars. */
export const WINDOWS = [
  { key: '15m', label: 'Last 15 minutes', window: 900_000, bucket: 30_000 },
  { key: '1h', label: 'Last hour', window: 3_600_000, bucket: 120_000 },
  { key: '6h', label: 'Last 6 hours', window: 21_600_000, bucket: 600_000 },
  { key: '24h', label: 'Last 24 hours', window: 86_400_000, bucket: 1_800_000 },
  { key: '7d', label: 'Last 7 days', window: 604_800_000, bucket: 21_600_000 },
] as const;

const DEFAULT_WINDOW = WINDOWS[1];

/** The overview: counts by status and by command, throughput and failure rate, this process's figures. */
export const overviewPage: Page = async ({ api, query, signal, now, navigate }) => {
  const chosen = WINDOWS.find((option) => option.key === query.get('window')) ?? DEFAULT_WINDOW;
  const [stats, throughput] = await Promise.all([api.stats(signal), api.throughput(chosen.window, chosen.bucket, signal)]);
  const totals = throughputTotals(throughput);
  const total = Object.values(stats.byStatus).reduce((sum, value) => sum + value, 0);

  const windowSelect = h(
    'select',
    { id: 'overview-window', onchange: (event) => navigate(routeHref('/', { window: (event.target as HTMLSelectElement).value })) },
    WINDOWS.map((option) => h('option', { value: option.key, selected: option === chosen }, option.label)),
  );

  const statusCards = h(
    'ul',
    { class: 'status-grid' },
    STATUS_ORDER.map((status) =>
      h(
        'li',
        null,
        h(
          'a',
          { class: `status-card ${statusClass(status)}`, href: status === 'DEAD_LETTER' ? '#/dlq' : routeHref('/commands', { status }) },
          h('span', { class: 'status-count' }, count(stats.byStatus[status] ?? 0)),
          h('span', { class: 'status-name' }, statusLabel(status)),
        ),
      ),
    ),
  );

  const names = Object.entries(stats.byName).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const largest = Math.max(1, ...names.map(([, value]) => value));
  const byCommand = names.length
    ? h(
        'table',
        { class: 'table by-command' },
        h('caption', { class: 'visually-hidden' }, 'Instances by command'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Command'), h('th', { scope: 'col', class: 'numeric' }, 'Instances'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Share')))),
        h(
          'tbody',
          null,
          names.map(([name, value]) =>
            h(
              'tr',
              null,
              h('th', { scope: 'row' }, h('a', { href: routeHref('/commands', { name }) }, name)),
              h('td', { class: 'numeric' }, count(value)),
              h('td', { class: 'share', 'aria-hidden': 'true' }, s('svg', { class: 'share-bar', viewBox: '0 0 100 8', preserveAspectRatio: 'none' }, s('rect', { width: (100 * value) / largest, height: 8, rx: 2 }))),
            ),
          ),
        ),
      )
    : h('p', { class: 'empty-note' }, 'No instances yet.');

  const rate = stats.rateLimit;
  const processFigures = h(
    'dl',
    { class: 'figures' },
    figure('Queue size', count(stats.queueSize), 'pending instances, ready or delayed'),
    figure('Running here', `${count(stats.running)} of ${count(stats.workerCount)}`, 'attempts in this process, of its worker slots'),
    figure('Registered commands', count(stats.registeredCommands), 'handlers in this process'),
    figure('Global limit', rate.globalLimit ? `${rate.globalCurrent} of ${rate.globalLimit}` : 'none', 'concurrent attempts allowed in this process'),
  );

  return {
    title: 'Overview',
    content: h(
      'div',
      { class: 'page overview' },
      h(
        'div',
        { class: 'page-head' },
        h('div', null, h('h1', null, 'Overview'), h('p', { class: 'meta' }, `${count(total)} instances · updated ${clock(new Date(now))}`)),
        h('div', { class: 'field inline' }, h('label', { for: 'overview-window' }, 'Charts cover'), windowSelect),
      ),
      h('section', { 'aria-labelledby': 'by-status' }, h('h2', { id: 'by-status', class: 'visually-hidden' }, 'Instances by status'), statusCards),
      h(
        'div',
        { class: 'grid-2' },
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'throughput' },
          h('h2', { id: 'throughput' }, 'Throughput'),
          h('p', { class: 'meta' }, `Instances finished per ${bucketName(chosen.bucket)}, ${chosen.label.toLowerCase()}`),
          throughputChart(throughput, chosen.label),
        ),
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'failure-rate' },
          h('h2', { id: 'failure-rate' }, 'Failure rate'),
          h('p', { class: 'meta' }, `Failed of completed + failed · ${percent(totals.failed, totals.failed + totals.completed)} over the window`),
          failureRateChart(throughput, chosen.label),
        ),
      ),
      h(
        'div',
        { class: 'grid-2' },
        h('section', { class: 'panel', 'aria-labelledby': 'by-command' }, h('h2', { id: 'by-command' }, 'By command'), byCommand),
        h('section', { class: 'panel', 'aria-labelledby': 'this-process' }, h('h2', { id: 'this-process' }, 'This process'), processFigures),
      ),
    ),
  };
};

function figure(term: string, value: string, hint: string): HTMLElement[] {
  return [h('dt', null, term), h('dd', null, h('span', { class: 'figure-value' }, value), h('span', { class: 'figure-hint' }, hint))];
}

function bucketName(ms: number): string {
  if (ms >= 3_600_000) return `${ms / 3_600_000} hours`;
  if (ms >= 60_000) return ms === 60_000 ? 'minute' : `${ms / 60_000} minutes`;
  return `${ms / 1_000} seconds`;
}
