/*
 * How times, durations and numbers read on the page: local times to the second, durations in the
 * largest sensible units, counts with thousands separators.
 */

const pad = (value: number) => String(value).padStart(2, '0');

/** `2026-03-01 12:00:30` in the browser's time zone, or '—' for none. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clock(date)}`;
}

/** `12:00:30` in the browser's time zone. */
export function clock(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** `12:00`, or `Mar 1` when `withDay` (labels of long chart windows). */
export function shortTime(date: Date, withDay: boolean): string {
  return withDay ? date.toLocaleDateString('en', { month: 'short', day: 'numeric' }) : `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** `850 ms`, `1.2 s`, `3 min 4 s`, `2 h 5 min`, `3 d 4 h`. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${(ms / 1_000).toFixed(abs < 10_000 ? 1 : 0)} s`;
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  const index = units.findIndex(([size]) => abs >= size);
  const [major, majorUnit] = units[index]!;
  const [minor, minorUnit] = units[index + 1]!;
  const whole = Math.floor(abs / major);
  const rest = Math.floor((abs % major) / minor);
  return `${ms < 0 ? '-' : ''}${whole} ${majorUnit}${rest ? ` ${rest} ${minorUnit}` : ''}`;
}

/** `3 min ago`, `in 5 s`, or `just now`, relative to `now`. */
export function relative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const difference = Date.parse(iso) - now;
  if (Math.abs(difference) < 1_000) return 'just now';
  const text = duration(Math.abs(difference)).replace(/ \d+ \w+$/, '');
  return difference < 0 ? `${text} ago` : `in ${text}`;
}

/** `12,345`. */
export function count(value: number): string {
  return value.toLocaleString('en');
}

/** `12.5 %`, or '—' when there is nothing to divide. */
export function percent(part: number, whole: number): string {
  return whole ? `${((100 * part) / whole).toFixed(part === whole || part === 0 ? 0 : 1)} %` : '—';
}

/** The first characters of an id, for tables; the full id stays in the link's title. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id;
}
