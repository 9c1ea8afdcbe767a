import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventType, Executor, Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { CLEAN_EXIT } from './support/child-processes.js';
import { countById, readExecutions } from './support/execution-log.js';
import { useProcessTest } from './support/process-harness.js';

const JOBS = 100;
const RETRIES = 2;
/** Short, so the killed process's leases lapse quickly; renewed often enough that a live process keeps them under load. */
const LEASE = { duration: 1_500, renewInterval: 300 };

describe('a worker process killed with jobs in flight', () => {
  const { spawn, postgres, tempDir } = useProcessTest();

  it(
    'loses none of them: a peer leaves them alone while their process lives, and reclaims them once its leases expire',
    async () => {
      const db = await postgres();
      const dir = await tempDir();
      const doomedLog = join(dir, 'doomed.log');
      const rescuerLog = join(dir, 'rescuer.log');
      const worker = (behaviour: 'block' | 'complete', log: string, stuckRecovery: false | { interval: number }) => ({
        storage: db.forChild(4),
        executor: { parallelism: JOBS, claimBatchSize: 50, lease: LEASE, stuckRecovery },
        commands: ['inFlight'],
        behaviour,
        log,
      });
      const doomed = spawn('worker', worker('block', doomedLog, false), 'doomed');
      const rescuer = spawn('worker', worker('complete', rescuerLog, { interval: 200 }), 'rescuer');

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
      await waitFor(() => readExecutions(doomedLog).length === JOBS, { description: 'every handler running' });

      // A peer with eager stuck recovery runs beside the live process for two lease durations: a
      // slow job whose process renews its lease is never taken from it.
      await rescuer.start();
      await sleep(2 * LEASE.duration);
      const live = await db.storage.find({ status: Status.STARTED });
      expect(live).toHaveLength(JOBS);
      expect(live.every((instance) => instance.attempt === 1 && instance.leaseOwner?.includes(`:${doomed.pid}:`))).toBe(true);
      expect(readExecutions(rescuerLog)).toEqual([]);

      expect(await doomed.kill()).toEqual({ code: null, signal: 'SIGKILL' });
      const killedAt = Date.now();
      // Nothing renews them from here on: these are the expiries the reclaim must wait for.
      const leaseExpiry = new Map((await db.storage.find({ status: Status.STARTED })).map((instance) => [instance.id, instance.leaseExpiresAt!.getTime()]));
      expect(leaseExpiry.size).toBe(JOBS);

      await waitFor(async () => (await db.storage.count({ status: Status.COMPLETED })) === JOBS, {
        timeout: 60_000,
        interval: 50,
        description: `all ${JOBS} reclaimed instances COMPLETED`,
      });
      const recoveredMs = Date.now() - killedAt;
      expect((await rescuer.stop()).exit).toEqual(CLEAN_EXIT);

      expect(await db.storage.countBy('status')).toEqual({ [Status.COMPLETED]: JOBS });
      const counts = countById(readExecutions(doomedLog, rescuerLog));
      expect([...counts.keys()].sort()).toEqual([...ids].sort());
      const twice = [...counts.values()].filter((count) => count === 2).length;
      expect(twice).toBe(JOBS);
      expect(readExecutions(rescuerLog).every((execution) => execution.pid === rescuer.pid)).toBe(true);

      const reclaimedAt: number[] = [];
      for (const id of ids) {
        const instance = await producer.get(id);
        // The crashed run spent exactly one retry (a crash loop ends in failure, not forever).
        expect([instance.retries, instance.attempt, instance.leaseOwner]).toEqual([RETRIES - 1, 2, null]);
        expect(instance.history.filter((event) => event.type === EventType.STARTED)).toHaveLength(2);
        const reclaim = instance.history.find((event) => event.type === EventType.RECOVERED && /lease of .* expired/.test(event.message ?? ''));
        expect(reclaim?.timestamp.getTime()).toBeGreaterThanOrEqual(leaseExpiry.get(id)!);
        reclaimedAt.push(reclaim!.timestamp.getTime());
      }
      console.log(
        `[crash-recovery] ${JOBS} jobs in flight at SIGKILL, none taken while their process lived; ` +
          `all completed ${recoveredMs} ms after the kill (lease ${LEASE.duration} ms; reclaims spread over ` +
          `${Math.max(...reclaimedAt) - Math.min(...reclaimedAt)} ms); ran twice: ${twice}; lost: 0`,
      );
    },
    120_000,
  );
});
