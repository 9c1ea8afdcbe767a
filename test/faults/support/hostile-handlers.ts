import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ExecuteFn, type Executor, Result } from 'nestjs-durex';
import type { ExecutionLog } from '../../processes/support/execution-log.js';

/** How long the handlers that hang are given: their spec's timeout. */
export const HOSTILE_TIMEOUT = 300;

/** A handler that misbehaves, and the error its instance must end FAILED with. */
export interface HostileCase {
  name: string;
  /** What the handler does wrong. */
  does: string;
  error: RegExp;
  /** Spec fields the case needs (a timeout for the ones that hang). */
  spec?: { timeout?: number };
  execute: ExecuteFn;
}

/** A value neither JSON.stringify nor String() can turn into text: describing it throws too. */
function unprintable(): unknown {
  return Object.create(null, {
    secret: {
      enumerable: true,
      get() {
        throw new Error('getter refuses');
      },
    },
  });
}

/** Runs a Node process that allocates until its tiny heap is exhausted and V8 aborts it. */
function exhaustHeapInChildProcess(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=16', '-e', 'const hoard = []; for (;;) hoard.push(new Array(1e5).fill(1));'], {
      stdio: 'ignore',
      signal,
    });
    child.once('error', reject);
    child.once('exit', (code, exitSignal) => reject(new Error(`the worker's child process died (code ${code}, signal ${exitSignal})`)));
  });
}

/**
 * The misbehaving handlers of the fault suite. Each ends its instance FAILED with a telling error,
 * and none may take a worker slot for longer than its timeout, crash the executor, or leak anything
 * that keeps the process from exiting.
 */
export const HOSTILE_CASES: readonly HostileCase[] = [
  { name: 'throwString', does: "throw 'plain string'", error: /non-Error thrown: plain string/, execute: () => Promise.reject('plain string') },
  {
    name: 'throwNull',
    does: 'throw null',
    error: /non-Error thrown: null/,
    execute: async () => {
      throw null;
    },
  },
  {
    name: 'throwUndefined',
    does: 'throw undefined',
    error: /non-Error thrown: undefined/,
    execute: async () => {
      throw undefined;
    },
  },
  {
    name: 'throwObject',
    does: 'throw { code: 42 }',
    error: /non-Error thrown: \{"code":42\}/,
    execute: async () => {
      throw { code: 42 };
    },
  },
  {
    name: 'throwCircular',
    does: 'throw an object that contains itself',
    error: /non-Error thrown: \[object Object\]/,
    execute: async () => {
      const value: Record<string, unknown> = {};
      value.self = value;
      throw value;
    },
  },
  {
    name: 'throwUnprintable',
    does: 'throw a null-prototype object whose getter throws',
    error: /./,
    execute: async () => {
      throw unprintable();
    },
  },
  {
    name: 'throwSync',
    does: 'throw synchronously from a non-async handler',
    error: /^thrown synchronously$/,
    execute: () => {
      throw new Error('thrown synchronously');
    },
  },
  { name: 'returnNumber', does: 'return 42', error: /returned a number; return a Result/, execute: (() => 42) as unknown as ExecuteFn },
  {
    name: 'returnLookalike',
    does: 'return an object that looks like a Result',
    error: /returned an object \(Object\); return a Result/,
    execute: (() => ({ commands: 'not a list', repeat: false, retry: false })) as unknown as ExecuteFn,
  },
  {
    name: 'neverSettles',
    does: 'never resolve nor reject, ignoring its signal',
    error: /timed out after 300 ms/,
    spec: { timeout: HOSTILE_TIMEOUT },
    execute: () => new Promise<never>(() => undefined),
  },
  {
    name: 'settlesLate',
    does: 'resolve with a child to spawn after its timeout, ignoring its signal',
    error: /timed out after 300 ms/,
    spec: { timeout: HOSTILE_TIMEOUT },
    execute: async () => {
      await sleep(HOSTILE_TIMEOUT * 3);
      return Result.spawn({ name: 'lateChild' });
    },
  },
  {
    name: 'heapExhaustedChild',
    does: 'run a child process that exhausts a 16 MB heap and dies',
    error: /child process died \(code (134|null), signal (null|SIGABRT)\)/,
    execute: (_, ctx) => exhaustHeapInChildProcess(ctx.signal),
  },
];

/** Names the hostile handlers may create, or try to: registered so a child spec is never what fails. */
export const HOSTILE_CHILD = 'lateChild';

/** A command that allocates in the worker's own heap until the process dies (run it with a small heap). */
export const EXHAUST_HEAP = 'exhaustHeap';

/** Registers every hostile case, their child's name, and the heap-exhausting command, each recording its executions. */
export function registerHostileHandlers(executor: Executor, log: ExecutionLog): void {
  for (const { name, execute } of HOSTILE_CASES) {
    executor.handle(name, (instance, ctx) => {
      log.record(instance.id);
      return execute(instance, ctx);
    });
  }
  executor.handle(HOSTILE_CHILD, (instance) => log.record(instance.id));
  executor.handle(EXHAUST_HEAP, (instance) => {
    log.record(instance.id);
    // Synchronous on purpose: no renewal, no outcome, nothing runs until V8 aborts the process.
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array(1e5).fill(hoard.length));
  });
}
