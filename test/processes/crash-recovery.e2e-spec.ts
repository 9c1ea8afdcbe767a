import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventType, Executor, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { type Child, CLEAN_EXIT } from './support/child-processes.js';
import { countById, readExecutions } from './support/execution-log.js';
import { type SharedPostgres, useProcessTest } from './support/process-harness.js';

const JOBS = 100;
const RETRIES = 2;
/** Short, so the killed process's leases lapse quickly; renewed often enough that a live process keeps them under load. */
const LEASE = { duration: 1_500, renewInterval: 300 };
/** Long enough that a process whose executor starts after the kill is up while the leases still hold. */
const LONG_LEASE = { duration: 5_000, renewInterval: 300 };

type Lease = typeof LEASE;

describe('a worker process killed with jobs in flight', () => {
  const { spawn, postgres, tempDir } = useProcessTest();

  /** A worker process's configuration: it blocks in every handler, or completes at once. */
  function worker(db: SharedPostgres, behaviour: 'block' | 'complete', log: string, lease: Lease, stuckRecovery: false | { interval: number }) {
    return {
      storage: db.forChild(4),
      executor: { parallelism: JOBS, claimBatchSize: 50, lease, stuckRecovery },
      commands: ['inFlight'],
      behaviour,
      log,
    };
  }

  /**
   * A schema with the jobs enqueued and a doomed process that blocks in every handler, with the
   * given lease; resolves once every handler is running in it.
   */
  async function inFlight(lease: Lease) {
    const db = await postgres();
    const dir = await tempDir();
    const logs = [join(dir, 'doomed.log'), join(dir, 'rescuer.log')] as const;
    const doomed = spawn('worker', worker(db, 'block', logs[0], lease, false), 'doomed');
    const producer = new Executor(db.storage, { commands: ['inFlight'] });
    const ids = (await producer.addMany(Array.from({ length: JOBS }, (_, n) => ({ name: 'inFlight', data: { n }, retries: RETRIES })))).map(
      (instance) => instance.id,
    );
    await producer.stop();

    await doomed.start();
    await waitFor(async () => (await db.storage.count({ status: Status.STARTED })) === JOBS, {
      timeout: 30_000,
      description: `all ${JOBS} instances STARTED in the doomed process`,
    });
    // Every handler has begun (each records itself first): the whole batch is in flight.
    await waitFor(() => readExecutions(logs[0]).length === JOBS, { description: 'every handler running' });
    return { db, logs, doomed, ids };
  }

  /** SIGKILLs the doomed process; returns when its leases expire, now that nothing renews them. */
  async function kill(db: SharedPostgres, doomed: Child): Promise<Map<string, number>> {
    expect(await doomed.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    const leaseExpiry = new Map((await db.storage.find({ status: Status.STARTED })).map((instance) => [instance.id, instance.leaseExpiresAt!.getTime()]));
    expect(leaseExpiry.size).toBe(JOBS);
    return leaseExpiry;
  }

  /**
   * Waits for every job to complete in the rescuer, and checks each ran exactly twice (cut short,
   * then to the end), spent one retry, and was reclaimed only once its lease had expired. Returns
   * the reclaim times.
   */
  async function expectReclaimed(db: SharedPostgres, ids: string[], leaseExpiry: Map<string, number>, rescuer: Child, logs: readonly [string, string]) {
    await waitFor(async () => (await db.storage.count({ status: Status.COMPLETED })) === JOBS, {
      timeout: 60_000,
      interval: 50,
      description: `all ${JOBS} reclaimed instances COMPLETED`,
    });
    expect((await rescuer.stop()).exit).toEqual(CLEAN_EXIT);

    expect(await db.storage.countBy('status')).toEqual({ [Status.COMPLETED]: JOBS });
    const [doomedLog, rescuerLog] = logs;
    const counts = countById(readExecutions(doomedLog, rescuerLog));
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect([...counts.values()].filter((count) => count === 2)).toHaveLength(JOBS);
    expect(readExecutions(rescuerLog).every((execution) => execution.pid === rescuer.pid)).toBe(true);

    const reclaimedAt: number[] = [];
    for (const id of ids) {
      const instance = (await db.storage.get(id))!;
      // The crashed run spent exactly one retry (a crash loop ends in failure, not forever).
      expect([instance.retries, instance.attempt, instance.leaseOwner]).toEqual([RETRIES - 1, 2, null]);
      const history = await db.storage.history(id);
      expect(history.filter((event) => event.type === EventType.STARTED)).toHaveLength(2);
      const reclaim = history.find((event) => event.type === EventType.RECOVERED && /lease of .* expired/.test(event.message ?? ''));
      expect(reclaim?.timestamp.getTime()).toBeGreaterThanOrEqual(leaseExpiry.get(id)!);
      reclaimedAt.push(reclaim!.timestamp.getTime());
    }
    return reclaimedAt;
  }

  it(
    'loses none of them: a peer leaves them alone while their process lives, and reclaims them once its leases expire',
    async () => {
      const { db, logs, doomed, ids } = await inFlight(LEASE);
      const rescuer = spawn('worker', worker(db, 'complete', logs[1], LEASE, { interval: 200 }), 'rescuer');

      // A peer with eager stuck recovery runs beside the live process for two lease durations: a
      // slow job whose process renews its lease is never taken from it.
      await rescuer.start();
      await sleep(2 * LEASE.duration);
      const live = await db.storage.find({ status: Status.STARTED });
      expect(live).toHaveLength(JOBS);
      expect(live.every((instance) => instance.attempt === 1 && instance.leaseOwner?.includes(`:${doomed.pid}:`))).toBe(true);
      expect(readExecutions(logs[1])).toEqual([]);

      const leaseExpiry = await kill(db, doomed);
      const killedAt = Date.now();
      const reclaimedAt = await expectReclaimed(db, ids, leaseExpiry, rescuer, logs);
      console.log(
        `[crash-recovery] ${JOBS} jobs in flight at SIGKILL, none taken while their process lived; ` +
          `all completed ${Date.now() - killedAt} ms after the kill (lease ${LEASE.duration} ms; reclaims spread over ` +
          `${Math.max(...reclaimedAt) - Math.min(...reclaimedAt)} ms); ran twice: ${JOBS}; lost: 0`,
      );
    },
    120_000,
  );

  it(
    'loses none of them: a process that starts its executor after the kill waits for their leases to expire, then reclaims and completes them',
    async () => {
      const { db, logs, doomed, ids } = await inFlight(LONG_LEASE);
      // Loaded before the kill, so Node's and the loader's start-up on a busy machine is not spent
      // from the leases' time; it opens its storage and starts its executor only after the kill.
      const rescuer = spawn('worker', worker(db, 'complete', logs[1], LONG_LEASE, { interval: 200 }), 'rescuer');
      await rescuer.ready();

      const leaseExpiry = await kill(db, doomed);
      const startedAt = await rescuer.start();
      // It ran while the leases still held, so the reclaims below had to wait for their expiry.
      expect(startedAt).toBeLessThan(Math.min(...leaseExpiry.values()));

      const reclaimedAt = await expectReclaimed(db, ids, leaseExpiry, rescuer, logs);
      console.log(
        `[crash-recovery] an executor started ${Math.min(...leaseExpiry.values()) - startedAt} ms before the leases expired ` +
          `reclaimed all ${JOBS} from ${Math.min(...reclaimedAt) - Math.min(...leaseExpiry.values())} ms after the first expiry; lost: 0`,
      );
    },
    120_000,
  );
});
