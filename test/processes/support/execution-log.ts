import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

/** One execution of a handler: which instance, in which process, when it started (epoch ms). */
export interface Execution {
  id: string;
  pid: number;
  at: number;
}

/**
 * An append-only file of executions, one line each, written by a child process. Each line is one
 * synchronous write(2) issued before the handler goes on, so it is in the file even if the process
 * is SIGKILLed a moment later: the log counts every execution, including those a crash cut short.
 */
export class ExecutionLog {
  private count = 0;

  private constructor(private readonly fd: number) {}

  static open(path: string): ExecutionLog {
    return new ExecutionLog(openSync(path, 'a'));
  }

  record(id: string): void {
    writeSync(this.fd, `${id}\t${process.pid}\t${Date.now()}\n`);
    this.count += 1;
  }

  get executions(): number {
    return this.count;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Every execution recorded in the given log files (a missing file holds none). */
export function readExecutions(...paths: string[]): Execution[] {
  return paths.flatMap((path) =>
    readLines(path).map((line) => {
      const [id, pid, at] = line.split('\t');
      return { id: id!, pid: Number(pid), at: Number(at) };
    }),
  );
}

/** The non-empty lines of a file a child appends to; none when it has not written one yet. */
export function readLines(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text.split('\n').filter(Boolean);
}

/** How many times each instance id was executed. */
export function countById(executions: readonly Execution[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { id } of executions) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}
