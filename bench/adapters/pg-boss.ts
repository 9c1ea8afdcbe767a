import PgBoss from 'pg-boss';
import { type BenchAdapter, JOB_NAME, type JobPayload, nextStep, type OnJob, type Target } from '../adapter.js';
import { queryOnce } from './pg-query.js';

const SCHEMA = 'pgboss';

/**
 * pg-boss 10. Concurrency is `parallelism` work() loops (v10 dropped teamSize: each call to work()
 * adds a worker); each fetches `batchSize` jobs per poll, 1 stock or more with batch fetch.
 *
 * A work() loop sleeps until `pollSeconds` have passed since its previous fetch began, even when
 * that fetch found jobs, so the interval bounds throughput at loops × batchSize / pollSeconds. The
 * bench uses the smallest interval pg-boss accepts, 0.5 s; the default, 2 s, is four times slower.
 */
export class PgBossAdapter implements BenchAdapter {
  private boss: PgBoss | undefined;
  private worker: PgBoss | undefined;

  constructor(
    private readonly target: Target,
    private readonly batchSize: number,
    private readonly pollSeconds: number,
  ) {}

  async setup(): Promise<void> {
    // start() runs pg-boss's migrations; v10 needs every queue created before use.
    await (await this.client()).createQueue(JOB_NAME);
  }

  async enqueueOne(job: JobPayload): Promise<void> {
    await (await this.client()).send(JOB_NAME, job);
  }

  async enqueueMany(jobs: readonly JobPayload[]): Promise<void> {
    await (await this.client()).insert(jobs.map((data) => ({ name: JOB_NAME, data })));
  }

  enqueueWorkflows(firsts: readonly JobPayload[]): Promise<void> {
    return this.enqueueMany(firsts);
  }

  /**
   * Completed jobs stay in the queue's partition of pgboss.job until maintenance archives them
   * (12 h by default), so a busy queue carries many of them there. Seeded as finished an hour ago,
   * so maintenance does not start moving them during the measurement.
   */
  async seedCompleted(n: number): Promise<void> {
    const url = this.target.postgresUrl;
    await queryOnce(
      url,
      `INSERT INTO ${SCHEMA}.job (name, data, state, policy, created_on, started_on, completed_on, start_after)
       SELECT $2, '{"i":-1,"t":0}'::jsonb, 'completed', 'standard',
              now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour'
       FROM generate_series(1, $1::int)`,
      [n, JOB_NAME],
    );
    // What autovacuum would have done to a table that grew over hours.
    await queryOnce(url, `VACUUM ANALYZE ${SCHEMA}.job`);
  }

  /** created, retry and active: the states before completed. */
  async unfinished(): Promise<number> {
    return (await (await this.client()).getQueueSize(JOB_NAME, { before: 'completed' })) ?? 0;
  }

  async startWorker(parallelism: number, onJob: OnJob): Promise<void> {
    const boss = new PgBoss({ connectionString: this.target.postgresUrl, schema: SCHEMA });
    boss.on('error', (error: Error) => console.error(`pg-boss error: ${error.message}`));
    this.worker = await boss.start();
    const options = { batchSize: this.batchSize, pollingIntervalSeconds: this.pollSeconds };
    for (let loop = 0; loop < parallelism; loop++) {
      await boss.work<JobPayload>(JOB_NAME, options, async (jobs) => {
        const next: JobPayload[] = [];
        for (const { data } of jobs) {
          onJob(data);
          const step = nextStep(data);
          if (step) next.push(step);
        }
        if (next.length) await boss.insert(next.map((data) => ({ name: JOB_NAME, data })));
      });
    }
  }

  async stop(): Promise<void> {
    await this.worker?.stop({ graceful: true, wait: true });
    this.worker = undefined;
  }

  async teardown(): Promise<void> {
    await this.stop();
    await this.boss?.stop({ graceful: false, wait: true });
    this.boss = undefined;
  }

  /** The producer's instance: no maintenance or cron, which belong to the workers. */
  private async client(): Promise<PgBoss> {
    if (!this.boss) {
      const boss = new PgBoss({ connectionString: this.target.postgresUrl, schema: SCHEMA, supervise: false, schedule: false });
      boss.on('error', (error: Error) => console.error(`pg-boss error: ${error.message}`));
      this.boss = await boss.start();
    }
    return this.boss;
  }
}
