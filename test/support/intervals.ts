/** A handler's run: when it began and ended (epoch ms), as the handler itself recorded it. */
export interface Interval {
  start: number;
  end: number;
}

/**
 * The most intervals open at one instant. An interval ending at the instant another starts does not
 * overlap it: the first handler returned before the second was called.
 */
export function maxOverlap(intervals: readonly Interval[]): number {
  const edges = intervals.flatMap(({ start, end }) => [
    { at: start, delta: 1 },
    { at: end, delta: -1 },
  ]);
  // Ends before starts at the same instant.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const { delta } of edges) {
    open += delta;
    most = Math.max(most, open);
  }
  return most;
}

/** The most start times within any half-open window [t, t + per). */
export function maxInWindow(starts: readonly number[], per: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= per) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** Whether some interval of `a` overlaps some interval of `b`. */
export function anyOverlap(a: readonly Interval[], b: readonly Interval[]): boolean {
  return a.some((x) => b.some((y) => x.start < y.end && y.start < x.end));
}
