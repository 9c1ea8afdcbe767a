import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type ChildMessage,
  type ChildMessageOf,
  CONFIG_ENV,
  type ParentMessage,
  type ProducerConfig,
  type RacerConfig,
  type TxEnqueuerConfig,
  type WorkerConfig,
} from './protocol.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The last this many characters of a child's stdout and stderr are kept for failure messages. */
const OUTPUT_KEPT = 10_000;

/** The child scripts in test/processes/children and the configuration each takes. */
export interface ChildScripts {
  worker: WorkerConfig;
  producer: ProducerConfig;
  'unique-racer': RacerConfig;
  'tx-enqueuer': TxEnqueuerConfig;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How a child that finished its work exits. */
export const CLEAN_EXIT: ChildExit = { code: 0, signal: null };

/**
 * Forks a child script as a real Node process running TypeScript through tsx, with an IPC channel.
 * tsx resolves the `nestjs-durex` path alias from the tsconfig named in TSX_TSCONFIG_PATH, so the
 * child imports the library exactly as the tests do, whatever its working directory.
 */
export function forkChild<S extends keyof ChildScripts>(script: S, config: ChildScripts[S], label: string = script): Child {
  return forkScript(new URL(`../children/${script}.ts`, import.meta.url), config, label);
}

/**
 * Forks any child script built on children/runtime.ts (other suites keep their own children next to
 * their tests), with its JSON configuration and extra Node flags such as `--max-old-space-size=64`.
 */
export function forkScript(script: URL, config: unknown, label: string, nodeFlags: readonly string[] = []): Child {
  const child = fork(fileURLToPath(script), [], {
    cwd: REPO_ROOT,
    // Not the Vitest worker's own execArgv: the child is a plain Node process plus the tsx loader.
    execArgv: ['--import', 'tsx', ...nodeFlags],
    env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config), TSX_TSCONFIG_PATH: `${REPO_ROOT}tsconfig.json` },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Child(label, child);
}

/** A forked child: its messages, its output, and its end. */
export class Child {
  /** Settles when the process has exited, however it ended. */
  readonly exited: Promise<ChildExit>;
  private readonly inbox: ChildMessage[] = [];
  private readonly listeners = new Set<() => void>();
  private output = '';
  private exit: ChildExit | undefined;
  private loaded: Promise<void> | undefined;

  constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-OUTPUT_KEPT));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (message: ChildMessage) => {
      this.inbox.push(message);
      this.changed();
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.changed();
        resolve(this.exit);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** What the child printed (the tail), for assertion messages. */
  get printed(): string {
    return this.output;
  }

  send(message: ParentMessage): void {
    this.child.send(message);
  }

  /** Resolves once the child has loaded and waits for the test (its `ready`); may be awaited any number of times. */
  ready(): Promise<void> {
    return (this.loaded ??= this.next('ready').then(() => undefined));
  }

  /** A worker: starts it once it is ready; resolves with the time it started (epoch ms). */
  async start(): Promise<number> {
    await this.ready();
    this.send({ type: 'start' });
    return (await this.next('started')).at;
  }

  /** A worker: stops it and waits for it to exit by itself; resolves with its executions and its exit. */
  async stop(): Promise<{ executions: number; exit: ChildExit }> {
    this.send({ type: 'stop' });
    const { executions } = await this.next('stopped');
    return { executions, exit: await this.finished() };
  }

  /** The next message of `type`; rejects if the child exits first or `timeout` ms pass. */
  async next<T extends ChildMessage['type']>(type: T, timeout = 60_000): Promise<ChildMessageOf<T>> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const index = this.inbox.findIndex((message) => message.type === type);
      if (index >= 0) return this.inbox.splice(index, 1)[0] as ChildMessageOf<T>;
      if (this.exit) throw this.failure(`exited (code ${this.exit.code}, signal ${this.exit.signal}) before sending "${type}"`);
      const left = deadline - Date.now();
      if (left <= 0) throw this.failure(`sent no "${type}" within ${timeout} ms`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.listeners.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.listeners.add(done);
      });
    }
  }

  /** Waits for the child to exit by itself; rejects (leaving it running for the caller to kill) after `timeout` ms. */
  async finished(timeout = 30_000): Promise<ChildExit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.failure(`did not exit within ${timeout} ms`)), timeout);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILLs the child (if it still runs) and waits until it is gone. */
  kill(): Promise<ChildExit> {
    if (!this.exit) this.child.kill('SIGKILL');
    return this.exited;
  }

  private failure(what: string): Error {
    return new Error(`child ${this.label} (pid ${this.pid}) ${what}; its output:\n${this.output}`);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
