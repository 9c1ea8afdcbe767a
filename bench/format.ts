/** Number formatting shared by the report and the chart. */

/** Three significant digits at most, thousands separated: 38,412 · 812 · 2.74 · 0.153. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** durex ÷ peer as "×1.23"; '–' when either is missing. */
export function formatRatio(durex: number, peer: number): string {
  if (!Number.isFinite(durex) || !Number.isFinite(peer) || peer === 0) return '–';
  const ratio = durex / peer;
  return `×${ratio >= 10 ? ratio.toFixed(0) : ratio >= 1 ? ratio.toFixed(2) : ratio.toPrecision(2)}`;
}
