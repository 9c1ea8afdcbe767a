import { appendFileSync } from 'node:fs';
import type { DurexLogger } from 'nestjs-durex';
import { readLines } from '../../processes/support/execution-log.js';

/** One line a child's logger wrote. */
export interface LogLine {
  level: 'log' | 'warn' | 'error' | 'debug';
  message: string;
  at: number;
}

/**
 * A durex logger (for the executor and the storage) that appends each line to a file with one
 * synchronous write, so the test can count exactly what a process logged, even one it SIGKILLed.
 */
export class FileLogger implements DurexLogger {
  constructor(private readonly path: string) {}

  log(message: string): void {
    this.write('log', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string): void {
    this.write('error', message);
  }

  debug(message: string): void {
    this.write('debug', message);
  }

  private write(level: LogLine['level'], message: string): void {
    appendFileSync(this.path, `${JSON.stringify({ level, message, at: Date.now() } satisfies LogLine)}\n`);
  }
}

/** The lines written to a FileLogger's file (none when it does not exist). */
export function readLogLines(path: string): LogLine[] {
  return readLines(path).map((line) => JSON.parse(line) as LogLine);
}

/** How many lines match each pattern. */
export function countLines(lines: readonly LogLine[], patterns: Record<string, RegExp>): Record<string, number> {
  return Object.fromEntries(Object.entries(patterns).map(([key, pattern]) => [key, lines.filter((line) => pattern.test(line.message)).length]));
}

/**
 * The warnings and errors of a worker that lived through faults, by kind: what an operator reading
 * its log would see besides the once-per-outage lines.
 */
export const FAULT_NOISE = {
  'attempts failed by a storage error': /attempt \d+ failed: (?!durex: the lease)/,
  'outcomes not recorded': /could not record the outcome/,
  'reclaims tried (lease expired)': /attempt \d+ failed: durex: the lease of worker/,
  'background task runs failed': /^(lease renewal|stuck recovery|cleanup|queue size metric) failed/,
};

/** Counts of FAULT_NOISE kinds in `lines`, as `kind n` pairs for a figures line. */
export function describeNoise(lines: readonly LogLine[]): string {
  return Object.entries(countLines(lines, FAULT_NOISE))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
}
