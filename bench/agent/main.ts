/**
 * A child process that drives one system for the parent: as producer (setup, seeding, enqueueing,
 * checks) or as worker (consume and record). Each system's library is loaded only here, so a
 * worker's memory and CPU are its own. Started by AgentClient with BENCH_SYSTEM and BENCH_TARGET.
 */
import { readFileSync } from 'node:fs';
import type { BenchAdapter, JobPayload, Target } from '../adapter.js';
import { now, sleep } from '../clock.js';
import { SYSTEMS, type SystemName } from '../systems.js';
import { Ledger } from './ledger.js';
import type { AgentRequest, EnqueueArgs, EnqueueResult, FromAgent, ToAgent, WorkerReport } from './protocol.js';

const PROGRESS_EVERY_MS = 20;

const system = SYSTEMS[process.env.BENCH_SYSTEM as SystemName];
if (!system) throw new Error(`agent: unknown BENCH_SYSTEM "${process.env.BENCH_SYSTEM}"`);
const target = JSON.parse(process.env.BENCH_TARGET ?? 'null') as Target;
const adapter: BenchAdapter = await system.create(target);

let ledger: Ledger | undefined;
let progressTimer: NodeJS.Timeout | undefined;
let readyAt = 0;

function send(message: FromAgent): void {
  process.send!(message);
}

async function handle(request: AgentRequest): Promise<unknown> {
  switch (request.op) {
    case 'setup':
      return adapter.setup();
    case 'seed': {
      const started = now();
      await adapter.seedCompleted(request.rows);
      return { ms: now() - started };
    }
    case 'enqueue':
      return enqueue(request.args);
    case 'paced':
      return paced(request.count, request.gapMs);
    case 'unfinished':
      return adapter.unfinished();
    case 'start':
      return start(request.parallelism, request.ledgerSize);
    case 'finish':
      return finish();
  }
}

async function enqueue({ mode, count, batch, steps = 1 }: EnqueueArgs): Promise<EnqueueResult> {
  const startedAt = now();
  if (mode === 'one') {
    for (let i = 0; i < count; i++) await adapter.enqueueOne({ i, t: now() });
  } else {
    for (let from = 0; from < count; from += batch) {
      const t = now();
      const jobs: JobPayload[] = [];
      for (let k = from; k < Math.min(count, from + batch); k++) {
        jobs.push(mode === 'many' ? { i: k, t } : { i: k * steps, t, s: 0, n: steps });
      }
      await (mode === 'many' ? adapter.enqueueMany(jobs) : adapter.enqueueWorkflows(jobs));
    }
  }
  return { startedAt, ms: now() - startedAt };
}

/** One job every `gapMs`, on a fixed schedule so a slow enqueue does not push the later ones back. */
async function paced(count: number, gapMs: number): Promise<EnqueueResult> {
  const startedAt = now();
  for (let i = 0; i < count; i++) {
    const wait = startedAt + i * gapMs - now();
    if (wait > 0) await sleep(wait);
    await adapter.enqueueOne({ i, t: now() });
  }
  return { startedAt, ms: now() - startedAt };
}

async function start(parallelism: number, ledgerSize: number): Promise<void> {
  const own = new Ledger(ledgerSize);
  ledger = own;
  let reported = 0;
  progressTimer = setInterval(() => {
    if (own.executed === reported) return;
    reported = own.executed;
    own.sampleCpu();
    send({ progress: reported });
  }, PROGRESS_EVERY_MS);
  await adapter.startWorker(parallelism, own.record);
  readyAt = now();
}

async function finish(): Promise<WorkerReport> {
  if (!ledger) throw new Error('agent: finish before start');
  await adapter.stop();
  clearInterval(progressTimer);
  return ledger.report(readyAt, peakRss());
}

/** VmHWM: the kernel's high-water mark of this process's resident memory, so no peak is missed between samples. */
function peakRss(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : process.memoryUsage().rss;
}

process.on('message', (message: ToAgent) => {
  if ('close' in message) {
    clearInterval(progressTimer);
    adapter
      .teardown()
      .then(() => send({ id: message.id, ok: true, result: undefined }))
      .catch((error: unknown) => send({ id: message.id, ok: false, error: describe(error) }))
      .finally(() => process.disconnect());
    return;
  }
  handle(message.request).then(
    (result) => send({ id: message.id, ok: true, result }),
    (error: unknown) => send({ id: message.id, ok: false, error: describe(error) }),
  );
});

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

send({ ready: true });
