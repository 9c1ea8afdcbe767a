import { ACTIVE_STATUSES, type CommandData } from '../../libs/durex/src/core/index.js';
import { Executor, type ExecutorOptions } from '../../libs/durex/src/engine/index.js';
import { createTypeOrmStorage, type TypeOrmStorage } from '../../libs/durex/src/storage/typeorm/index.js';
import { type BenchAdapter, JOB_NAME, type JobPayload, nextStep, type OnJob, type Target } from '../adapter.js';
import { queryOnce } from './pg-query.js';

/** durex's tables live in the run's own database, in the default schema. */
const INSTANCES = 'public.durex_instances';
const EVENTS = 'public.durex_events';

/**
 * durex on its TypeORM PostgreSQL storage, imported from source (see bench/README.md). The worker
 * uses the executor's defaults apart from `parallelism`, plus whatever `options` the system entry adds.
 */
export class DurexAdapter implements BenchAdapter {
  private producerStorage: TypeOrmStorage | undefined;
  private producerExecutor: Executor | undefined;
  private workerStorage: TypeOrmStorage | undefined;
  private worker: Executor | undefined;

  constructor(
    private readonly target: Target,
    private readonly options: ExecutorOptions = {},
  ) {}

  async setup(): Promise<void> {
    await this.producer();
    await this.producerStorage!.migrate();
  }

  async enqueueOne(job: JobPayload): Promise<void> {
    await (await this.producer()).add({ name: JOB_NAME, data: job as unknown as CommandData });
  }

  async enqueueMany(jobs: readonly JobPayload[]): Promise<void> {
    await (await this.producer()).addMany(jobs.map((job) => ({ name: JOB_NAME, data: job as unknown as CommandData })));
  }

  /** One spec per workflow: the remaining steps are its `sequence`, continued by the handler. */
  async enqueueWorkflows(firsts: readonly JobPayload[]): Promise<void> {
    await (await this.producer()).addMany(
      firsts.map((job) => ({
        name: JOB_NAME,
        data: job as unknown as CommandData,
        sequence: Array.from({ length: (job.n ?? 1) - 1 }, () => JOB_NAME),
      })),
    );
  }

  /**
   * COMPLETED instances with the history a finished run leaves (created, started, completed), an
   * hour old so the default cleanup (older than 24 h) leaves them alone. Their ids sort before
   * any real ULID, as older ids would.
   */
  async seedCompleted(n: number): Promise<void> {
    const url = this.target.postgresUrl;
    await queryOnce(
      url,
      `INSERT INTO ${INSTANCES} (id, name, data, status, attempt, correlation_id, metadata, created_at, ready_at, started_at, completed_at)
       SELECT id, $2, '{"i":-1,"t":0}'::jsonb, 'COMPLETED', 1, id, '{}'::jsonb,
              now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour'
       FROM (SELECT '00SEED' || lpad(g::text, 20, '0') AS id FROM generate_series(1, $1::int) AS g) AS ids`,
      [n, JOB_NAME],
    );
    // The rows are consistent by construction, so the per-row foreign key check (most of the
    // seeding time) is skipped for this one session.
    await queryOnce(
      url,
      `SET session_replication_role = replica;
       INSERT INTO ${EVENTS} (instance_id, type, at, attempt, duration_ms)
       SELECT '00SEED' || lpad(g::text, 20, '0'), e.type, now() - interval '1 hour', e.attempt, e.duration_ms
       FROM generate_series(1, ${Math.trunc(n)}) AS g,
            (VALUES ('created', NULL::int, NULL::float8), ('started', 1, NULL), ('completed', 1, 0.1)) AS e(type, attempt, duration_ms);`,
    );
    // What autovacuum would have done to tables that grew over days.
    await queryOnce(url, `VACUUM ANALYZE ${INSTANCES}`);
    await queryOnce(url, `VACUUM ANALYZE ${EVENTS}`);
  }

  async unfinished(): Promise<number> {
    return (await this.producer()).count({ status: ACTIVE_STATUSES });
  }

  async startWorker(parallelism: number, onJob: OnJob): Promise<void> {
    this.workerStorage = await createTypeOrmStorage({ type: 'postgres', url: this.target.postgresUrl });
    this.worker = new Executor(this.workerStorage, { ...this.options, parallelism });
    this.worker.handle(JOB_NAME, (instance) => {
      const job = instance.data as unknown as JobPayload;
      onJob(job);
      const next = nextStep(job);
      return next ? instance.continueSequence(next as unknown as CommandData) : undefined;
    });
    await this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
    await this.workerStorage?.close();
    this.worker = undefined;
    this.workerStorage = undefined;
  }

  async teardown(): Promise<void> {
    await this.stop();
    await this.producerExecutor?.stop();
    await this.producerStorage?.close();
    this.producerExecutor = undefined;
    this.producerStorage = undefined;
  }

  /** An executor that only enqueues: never started, so it claims nothing. */
  private async producer(): Promise<Executor> {
    if (!this.producerExecutor) {
      this.producerStorage = await createTypeOrmStorage({ type: 'postgres', url: this.target.postgresUrl });
      this.producerExecutor = new Executor(this.producerStorage, { commands: [JOB_NAME] });
    }
    return this.producerExecutor;
  }
}
