import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type BenchAdapter, JOB_NAME, type JobPayload, nextStep, type OnJob, type Target } from '../adapter.js';

const PREFIX = 'bull';
const SEED_CHUNK = 10_000;

/**
 * Writes finished jobs the way BullMQ keeps them by default (no removeOnComplete): one hash per job
 * and its id in the `completed` sorted set, scored by finish time. In Lua so 10,000 go per round trip.
 */
const SEED_SCRIPT = `
local base = KEYS[1]
local ts = ARGV[3]
for n = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  local id = 'seed-' .. n
  redis.call('HSET', base .. id, 'name', ARGV[4], 'data', '{"i":-1,"t":0}', 'opts', '{"attempts":0}',
    'timestamp', ts, 'delay', '0', 'priority', '0', 'processedOn', ts, 'finishedOn', ts,
    'returnvalue', 'null', 'atm', '1', 'ats', '1')
  redis.call('ZADD', base .. 'completed', ts, id)
end
return 0`;

/** BullMQ on the local Redis, stock options. */
export class BullMqAdapter implements BenchAdapter {
  private queue: Queue | undefined;
  private worker: Worker | undefined;
  /** The worker's own queue handle, for the workflow steps its handler enqueues. */
  private workerQueue: Queue | undefined;

  constructor(private readonly target: Target) {}

  async setup(): Promise<void> {
    await this.producer().waitUntilReady();
  }

  async enqueueOne(job: JobPayload): Promise<void> {
    await this.producer().add(JOB_NAME, job);
  }

  async enqueueMany(jobs: readonly JobPayload[]): Promise<void> {
    await this.producer().addBulk(jobs.map((data) => ({ name: JOB_NAME, data })));
  }

  enqueueWorkflows(firsts: readonly JobPayload[]): Promise<void> {
    return this.enqueueMany(firsts);
  }

  async seedCompleted(n: number): Promise<void> {
    const redis = new Redis(this.target.redis);
    try {
      const finishedOn = String(Date.now() - 3_600_000);
      for (let from = 1; from <= n; from += SEED_CHUNK) {
        const to = Math.min(n, from + SEED_CHUNK - 1);
        await redis.eval(SEED_SCRIPT, 1, `${PREFIX}:${JOB_NAME}:`, from, to, finishedOn, JOB_NAME);
      }
    } finally {
      redis.disconnect();
    }
  }

  async unfinished(): Promise<number> {
    const counts = await this.producer().getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  async startWorker(parallelism: number, onJob: OnJob): Promise<void> {
    const queue = new Queue(JOB_NAME, { connection: this.target.redis, prefix: PREFIX });
    this.workerQueue = queue;
    this.worker = new Worker<JobPayload>(
      JOB_NAME,
      async (job) => {
        onJob(job.data);
        const next = nextStep(job.data);
        if (next) await queue.add(JOB_NAME, next);
      },
      { connection: this.target.redis, prefix: PREFIX, concurrency: parallelism },
    );
    this.worker.on('error', (error) => console.error(`bullmq worker error: ${error.message}`));
    await this.worker.waitUntilReady();
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    await this.workerQueue?.close();
    this.worker = undefined;
    this.workerQueue = undefined;
  }

  async teardown(): Promise<void> {
    await this.stop();
    await this.queue?.close();
    this.queue = undefined;
  }

  private producer(): Queue {
    this.queue ??= new Queue(JOB_NAME, { connection: this.target.redis, prefix: PREFIX });
    return this.queue;
  }
}
