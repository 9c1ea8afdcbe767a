/** Thrown when a run's jobs did not each run exactly once, or were left unfinished. The run fails. */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';
}

const EXAMPLES = 5;

/**
 * Checks that indices [0, expected) each ran exactly once and nothing else ran. Throws a
 * VerificationError naming how many were missed or duplicated, with examples.
 */
export function verifyExactlyOnce(counts: Uint32Array, expected: number, stray: number): void {
  const missing: number[] = [];
  const duplicated: string[] = [];
  let missingCount = 0;
  let duplicatedCount = 0;
  let unexpected = stray;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (i >= expected) {
      unexpected += count;
    } else if (count === 0) {
      missingCount += 1;
      if (missing.length < EXAMPLES) missing.push(i);
    } else if (count > 1) {
      duplicatedCount += 1;
      if (duplicated.length < EXAMPLES) duplicated.push(`#${i} ×${count}`);
    }
  }
  const problems: string[] = [];
  if (missingCount) problems.push(`${missingCount} of ${expected} jobs never ran (e.g. ${missing.map((i) => `#${i}`).join(', ')})`);
  if (duplicatedCount) problems.push(`${duplicatedCount} jobs ran more than once (${duplicated.join(', ')})`);
  if (unexpected) problems.push(`${unexpected} executions of jobs that were never enqueued`);
  if (problems.length) throw new VerificationError(`exactly-once violated: ${problems.join('; ')}`);
}

/** Sums the counts of several worker processes. */
export function mergeCounts(all: readonly Uint32Array[]): Uint32Array {
  const merged = new Uint32Array(all[0]?.length ?? 0);
  for (const counts of all) for (let i = 0; i < counts.length; i++) merged[i]! += counts[i]!;
  return merged;
}
