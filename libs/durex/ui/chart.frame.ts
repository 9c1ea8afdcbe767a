import { h, s } from './dom.js';

/** The chart height in CSS pixels; the width follows the container. */
export const CHART_HEIGHT = 190;

/** Room around the plot for the axis labels. */
export const MARGIN = { top: 12, right: 12, bottom: 26, left: 44 } as const;

/** A chart's plot area for one drawing width. */
export interface Plot {
  width: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** The y of `value` on a 0..`max` scale. */
  y(value: number, max: number): number;
}

/**
 * A chart that is drawn at its container's real width, and drawn again when that changes (a window
 * resized, a phone turned), so its text stays legible at any size instead of being scaled with a
 * viewBox. The SVG is an image with a label that says what it shows, for screen readers.
 */
export function responsiveChart(label: string, draw: (plot: Plot) => Node[]): HTMLElement {
  const box = h('div', { class: 'chart' });
  let drawnWidth = 0;
  const observer = new ResizeObserver(([entry]) => {
    if (!box.isConnected) return observer.disconnect();
    const width = Math.floor(entry?.contentRect.width ?? 0);
    if (width <= 0 || width === drawnWidth) return;
    drawnWidth = width;
    const plot: Plot = {
      width,
      left: MARGIN.left,
      right: width - MARGIN.right,
      top: MARGIN.top,
      bottom: CHART_HEIGHT - MARGIN.bottom,
      y: (value, max) => MARGIN.top + (CHART_HEIGHT - MARGIN.top - MARGIN.bottom) * (1 - (max ? value / max : 0)),
    };
    box.replaceChildren(
      s('svg', { width, height: CHART_HEIGHT, viewBox: `0 0 ${width} ${CHART_HEIGHT}`, role: 'img', 'aria-label': label }, s('title', null, label), ...draw(plot)),
    );
  });
  observer.observe(box);
  return box;
}

/** Horizontal grid lines with their labels at each of `ticks`. */
export function gridLines(plot: Plot, ticks: readonly number[], max: number, format: (value: number) => string): Node[] {
  return ticks.map((tick) => {
    const y = plot.y(tick, max);
    return s(
      'g',
      { class: 'grid' },
      s('line', { x1: plot.left, x2: plot.right, y1: y, y2: y }),
      s('text', { x: plot.left - 6, y: y + 4, 'text-anchor': 'end' }, format(tick)),
    );
  });
}

/** Time labels under the plot, thinned out so they never overlap. */
export function timeLabels(plot: Plot, times: readonly Date[], format: (time: Date) => string): Node[] {
  const slot = (plot.right - plot.left) / Math.max(times.length, 1);
  const every = Math.max(1, Math.ceil(64 / slot));
  return times.flatMap((time, index) =>
    index % every === 0 ? [s('text', { class: 'axis', x: plot.left + slot * index + slot / 2, y: plot.bottom + 17, 'text-anchor': 'middle' }, format(time))] : [],
  );
}

/** A scale that reads well: its top and its steps are 1, 2 or 5 times a power of ten. */
export function niceScale(largest: number, steps = 4): { max: number; ticks: number[] } {
  const rough = Math.max(largest, 1) / steps;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power);
  const max = step * Math.max(1, Math.ceil(largest / step));
  return { max, ticks: Array.from({ length: Math.round(max / step) + 1 }, (_, index) => index * step) };
}
