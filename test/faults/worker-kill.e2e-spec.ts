import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useProcessTest } from '../processes/support/process-harness.js';
import { waitFor } from '../support/wait-for.js';
import { checkDrain, printFigures } from './support/drain-history.js';
import { FAULT_SCALE, FAULT_SIZES } from './support/fault-sizes.js';
import type { FaultExecutorOptions } from './support/fault-worker.config.js';
import { type DrainWorker, enqueueDrain, executionsOf, forkDrainWorker, stopWorkers, waitForDrained } from './support/fault-drain.js';

const JOBS = FAULT_SIZES.killJobs;
const KILLS = FAULT_SIZES.kills;
const SLOTS = 2;
const KILL_EVERY_MS = 2_000;
/** The least a victim has been working when it is killed. */
const MIN_LIFE_MS = 1_500;
/** Each handler takes this long, so a kill always finds work in flight. */
const WORK_MS = 60;
/** Leases short enough that a dead process's work is reclaimed in seconds, long enough that a loaded live one keeps its own. */
const EXECUTOR: FaultExecutorOptions = {
  parallelism: 4,
  claimBatchSize: 4,
  pollInterval: 500,
  lease: { duration: 3_000, renewInterval: 500 },
  stuckRecovery: { interval: 300 },
  gracefulShutdown: 5_000,
};

describe('worker processes SIGKILLed every few seconds during a drain, and restarted', () => {
  const { spawnScript, postgres, tempDir } = useProcessTest();

  it(
    `lose none of ${JOBS} jobs: leases expire, the work is reclaimed, and only jobs in flight at a kill run twice`,
    async () => {
      const db = await postgres();
      const dir = await tempDir();
      let generation = 0;
      const fork = (slot: number) => forkDrainWorker(spawnScript, db, dir, `slot-${slot}-gen-${generation++}`, EXECUTOR, WORK_MS);
      const slots = Array.from({ length: SLOTS }, (_, slot) => fork(slot));
      const everyWorker: DrainWorker[] = [...slots];
      // A job may be in flight at more than one kill, and each reclaim spends a retry.
      const ids = await enqueueDrain(db, JOBS, KILLS + 1, 'kill');
      // Started in the background: a replacement loads while the other slot is the next victim.
      const started = new Map(slots.map((worker) => [worker, worker.child.start()]));

      const inFlightAtKill: string[][] = [];
      /** The instances STARTED under a worker's leases. */
      const heldBy = async ({ child }: DrainWorker) =>
        (
          await db.query<{ id: string }>(`SELECT id FROM "${db.schema}".durex_instances WHERE status = 'STARTED' AND lease_owner LIKE $1`, [
            `%:${child.pid}:%`,
          ])
        ).map((row) => row.id);
      for (let kill = 0; kill < KILLS; kill += 1) {
        await sleep(KILL_EVERY_MS);
        const slot = kill % SLOTS;
        const victim = slots[slot]!;
        // A process takes seconds to load on a busy machine: it must have been working a while, and
        // hold work, to be worth killing.
        const startedAt = await started.get(victim)!;
        await sleep(Math.max(0, startedAt + MIN_LIFE_MS - Date.now()));
        await waitFor(async () => (await heldBy(victim)).length > 0, { timeout: 30_000, description: `${victim.child.label} holding work` });
        expect(await victim.child.kill()).toEqual({ code: null, signal: 'SIGKILL' });
        // Whatever the dead process held is STARTED under its lease: claimed, running, or finished
        // with the outcome not yet written. Nothing else of it can run again.
        inFlightAtKill.push(await heldBy(victim));
        const replacement = fork(slot);
        slots[slot] = replacement;
        everyWorker.push(replacement);
        started.set(replacement, replacement.child.start());
      }
      await Promise.all(started.values());

      const drainMs = await waitForDrained(db, JOBS, 180_000);
      await stopWorkers(slots);
      const figures = await checkDrain(db.query, db.schema, ids, executionsOf(everyWorker));
      expect(figures.lost).toBe(0);
      const inFlight = inFlightAtKill.flat();
      const inFlightSet = new Set(inFlight);
      expect(figures.duplicatedIds.filter((id) => !inFlightSet.has(id)), 'ran twice without being in flight at a kill').toEqual([]);
      expect(figures.extraExecutions).toBeLessThanOrEqual(inFlight.length);
      expect(figures.duplicated).toBeLessThanOrEqual(inFlight.length);

      printFigures(
        'kill',
        {
          scale: FAULT_SCALE,
          load: `${JOBS} jobs of ${WORK_MS} ms, ${SLOTS} processes × ${EXECUTOR.parallelism} workers`,
          fault: `SIGKILL every ${KILL_EVERY_MS} ms or more (each victim ran ≥ ${MIN_LIFE_MS} ms and held work), ${KILLS} kills, each followed by a new process`,
          'in flight at each kill': inFlightAtKill.map((held) => held.length).join(', '),
          'in flight in all': inFlight.length,
          'extra executions': figures.extraExecutions,
          'drained after the last kill in ms': drainMs,
        },
        figures,
      );
    },
    240_000,
  );
});
