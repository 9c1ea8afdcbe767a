import { type ChildProcess, fork } from 'node:child_process';
import type { Target } from '../adapter.js';
import type { SystemInfo } from '../systems.js';
import type { AgentRequest, AgentResults, FromAgent, ToAgent } from './protocol.js';

const AGENT = new URL('./main.js', import.meta.url);
/** How long a closed agent may take to exit before it is killed (a library may leave a timer running). */
const EXIT_GRACE_MS = 5_000;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** The parent's handle on one agent child: request/response over IPC, plus progress counts. */
export class AgentClient {
  /** Every agent not yet exited, so a run that times out can end them all. */
  private static readonly live = new Set<AgentClient>();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: Error | undefined;
  /** Jobs this agent's worker has run so far, as last reported. */
  progress = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.on('message', (message: FromAgent) => this.receive(message));
    AgentClient.live.add(this);
    child.on('exit', (code, signal) => {
      AgentClient.live.delete(this);
      this.exited = new Error(`${label} exited (${signal ?? `code ${code}`})`);
      for (const { reject } of this.pending.values()) reject(this.exited);
      this.pending.clear();
    });
  }

  /** Starts an agent for `system` on `target` and waits until its adapter is loaded. */
  static async spawn(system: SystemInfo, target: Target, role: string): Promise<AgentClient> {
    const child = fork(AGENT, [], {
      serialization: 'advanced',
      // BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to profile the children.
      execArgv: process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
      env: { ...process.env, ...system.env, BENCH_SYSTEM: system.name, BENCH_TARGET: JSON.stringify(target) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const label = `${system.name} ${role} (pid ${child.pid})`;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromAgent) => {
        if ('ready' in message) {
          child.off('exit', onExit);
          resolve();
        }
      };
      const onExit = (code: number | null) => reject(new Error(`${label} exited during start (code ${code})`));
      child.once('message', onMessage);
      child.once('exit', onExit);
    });
    return new AgentClient(child, label);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<K extends AgentRequest['op']>(request: Extract<AgentRequest, { op: K }>): Promise<AgentResults[K]> {
    return this.send({ id: this.nextId++, request }) as Promise<AgentResults[K]>;
  }

  /** Tears the adapter down, then makes sure the process is gone. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.send({ id: this.nextId++, close: true });
    } finally {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_GRACE_MS);
      await exit;
      clearTimeout(timer);
    }
  }

  /** For failures: ends the process without waiting on it. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Ends every agent still running, and fails their pending calls. */
  static killAll(): void {
    for (const agent of AgentClient.live) agent.kill();
  }

  private send(message: ToAgent): Promise<unknown> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      this.child.send(message);
    });
  }

  private receive(message: FromAgent): void {
    if ('progress' in message) {
      this.progress = message.progress;
      return;
    }
    if (!('id' in message)) return;
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${this.label}: ${message.error}`));
  }
}
