/**
 * The loads of the fault suite. CI runs the small defaults so the whole suite stays within a few
 * minutes on a shared two-core machine; `DUREX_FAULTS_SCALE=full` runs the sizes the reliability
 * issue names, and each size can also be set alone through its own variable.
 */
const FULL = process.env.DUREX_FAULTS_SCALE === 'full';

function size(variable: string, ci: number, full: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return FULL ? full : ci;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${variable} must be a positive integer, got "${raw}"`);
  return value;
}

export const FAULT_SIZES = {
  /** Jobs drained by two processes while PostgreSQL restarts (scenario 1). */
  restartJobs: size('DUREX_FAULTS_RESTART_JOBS', 3_000, 20_000),
  /** Jobs drained while worker processes are SIGKILLed (scenario 2). */
  killJobs: size('DUREX_FAULTS_KILL_JOBS', 2_000, 10_000),
  /** SIGKILLs during that drain. */
  kills: size('DUREX_FAULTS_KILLS', 4, 12),
  /** Completed rows present while claim latency and cleanup are measured (scenario 5). */
  pressureRows: size('DUREX_FAULTS_PRESSURE_ROWS', 100_000, 1_000_000),
  /** Generated cases per fuzz property and storage (scenario 6). */
  fuzzRuns: size('DUREX_FAULTS_FUZZ_RUNS', 200, 1_500),
} as const;

/** How the suite was sized, for the figures it prints. */
export const FAULT_SCALE = FULL ? 'full' : 'ci';
