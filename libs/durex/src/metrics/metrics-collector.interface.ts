/**
 * Receives execution metrics (the reference's `MetricsCollector`). Durations are milliseconds.
 *
 * @publicApi
 */
export interface MetricsCollector {
  /** An attempt started. */
  commandStarted(name: string): void;
  /** An attempt finished successfully. */
  commandCompleted(name: string, durationMs: number): void;
  /** An attempt failed (thrown error, timeout, invalid result). */
  commandFailed(name: string, error: Error): void;
  /** A retry was scheduled; `attempt` is the attempt that just ended. */
  commandRetried(name: string, attempt: number): void;
  /** The number of PENDING instances. */
  queueSize(size: number): void;
}
