import { Logger, makeWorkerUtils, run, type Runner, type WorkerUtils } from 'graphile-worker';
import { type BenchAdapter, JOB_NAME, type JobPayload, nextStep, type OnJob, type Target } from '../adapter.js';
import { countOnce, queryOnce } from './pg-query.js';

const SCHEMA = 'graphile_worker';

/**
 * The batching documented on graphile-worker's performance page: a local queue that locks jobs in
 * bulk, and completions and failures written in batches.
 */
const BATCHED_PRESET = { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } };

/**
 * Keeps warnings and errors; drops info and debug, which include a line per completed job (the
 * bench also sets graphile's own NO_LOG_SUCCESS), so no system pays for console output per job.
 */
const quietLogger = new Logger(() => (level, message) => {
  if (String(level) === 'error' || String(level) === 'warning') console.error(`graphile-worker ${level}: ${message}`);
});

/** graphile-worker 0.17, stock (`batched: false`) or with its documented batching options. */
export class GraphileWorkerAdapter implements BenchAdapter {
  private utils: WorkerUtils | undefined;
  private runner: Runner | undefined;

  constructor(
    private readonly target: Target,
    private readonly batched: boolean,
  ) {}

  async setup(): Promise<void> {
    await (await this.workerUtils()).migrate();
  }

  async enqueueOne(job: JobPayload): Promise<void> {
    await (await this.workerUtils()).addJob(JOB_NAME, job);
  }

  async enqueueMany(jobs: readonly JobPayload[]): Promise<void> {
    await (await this.workerUtils()).addJobs(jobs.map((payload) => ({ identifier: JOB_NAME, payload })));
  }

  enqueueWorkflows(firsts: readonly JobPayload[]): Promise<void> {
    return this.enqueueMany(firsts);
  }

  /**
   * graphile-worker deletes a job as soon as it completes, so its table never holds completed rows.
   * The rows it does keep are permanently failed jobs (attempts = max_attempts); a long-running
   * deployment accumulates those, so they stand in for "finished" rows here.
   */
  async seedCompleted(n: number): Promise<void> {
    const url = this.target.postgresUrl;
    await queryOnce(url, `INSERT INTO ${SCHEMA}._private_tasks (identifier) VALUES ($1) ON CONFLICT (identifier) DO NOTHING`, [JOB_NAME]);
    await queryOnce(
      url,
      `INSERT INTO ${SCHEMA}._private_jobs (task_id, payload, run_at, attempts, max_attempts, last_error, created_at, updated_at)
       SELECT t.id, json_build_object('i', -1, 't', 0), now() - interval '1 hour', 25, 25,
              'seeded: failed for good', now() - interval '2 hours', now() - interval '1 hour'
       FROM ${SCHEMA}._private_tasks t, generate_series(1, $1::int)
       WHERE t.identifier = $2`,
      [n, JOB_NAME],
    );
    // What autovacuum would have done to a table that grew over days.
    await queryOnce(url, `VACUUM ANALYZE ${SCHEMA}._private_jobs`);
  }

  unfinished(): Promise<number> {
    return countOnce(this.target.postgresUrl, `SELECT count(*)::int AS n FROM ${SCHEMA}._private_jobs WHERE attempts < max_attempts`);
  }

  async startWorker(parallelism: number, onJob: OnJob): Promise<void> {
    this.runner = await run({
      connectionString: this.target.postgresUrl,
      concurrency: parallelism,
      noHandleSignals: true,
      logger: quietLogger,
      ...(this.batched ? { preset: BATCHED_PRESET } : {}),
      taskList: {
        [JOB_NAME]: async (payload, helpers) => {
          const job = payload as JobPayload;
          onJob(job);
          const next = nextStep(job);
          if (next) await helpers.addJob(JOB_NAME, next);
        },
      },
    });
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
    this.runner = undefined;
  }

  async teardown(): Promise<void> {
    await this.stop();
    await this.utils?.release();
    this.utils = undefined;
  }

  private async workerUtils(): Promise<WorkerUtils> {
    this.utils ??= await makeWorkerUtils({ connectionString: this.target.postgresUrl, logger: quietLogger });
    return this.utils;
  }
}
