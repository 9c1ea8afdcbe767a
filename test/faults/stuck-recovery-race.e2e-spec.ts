import { join } from 'node:path';
import { Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { countById, readExecutions } from '../processes/support/execution-log.js';
import { useProcessTest } from '../processes/support/process-harness.js';
import { waitFor } from '../support/wait-for.js';
import { printFigures } from './support/drain-history.js';
import { DRAIN_COMMAND, enqueueDrain, forkDrainWorker } from './support/fault-drain.js';
import { type FaultWorkerConfig, FAULT_WORKER } from './support/fault-worker.config.js';

const JOBS = 10;
/** A Recover handler that takes a while, as one that notifies someone does. */
const RECOVER_MS = 500;
const LEASE = { duration: 1_000, renewInterval: 300 };

describe('two processes reclaiming the instances of a third that died, with no retries left', () => {
  const { spawnScript, postgres, tempDir } = useProcessTest();

  // Found by this suite: every process whose stuck recovery found an expired lease ran the failure's
  // side effects (Recover, errorHandler, metrics) before its guarded write, so Recover could run once
  // per process. A reclaim now takes the lease over first, and only the winner goes on.
  it(
    'run the Recover handler of each reclaimed instance once, in the process whose reclaim applied',
    async () => {
      const db = await postgres();
      const dir = await tempDir();
      const doomed = forkDrainWorker(spawnScript, db, dir, 'doomed', { parallelism: JOBS, lease: LEASE, stuckRecovery: false }, 600_000);
      const ids = await enqueueDrain(db, JOBS, 0, 'orphan');
      await doomed.child.start();
      await waitFor(async () => (await db.storage.count({ status: Status.STARTED })) === JOBS, { timeout: 30_000, description: 'every job held by the doomed process' });

      const recoverLog = join(dir, 'recover.log');
      const rescuer = (label: string): FaultWorkerConfig => ({
        storage: db.forChild(4),
        executor: { parallelism: 4, lease: LEASE, stuckRecovery: { interval: 100 } },
        commands: [DRAIN_COMMAND],
        workMs: 0,
        recoverMs: RECOVER_MS,
        recoverLog,
        log: join(dir, `${label}.log`),
        logLines: join(dir, `${label}.lines`),
      });
      const rescuers = ['rescuer-a', 'rescuer-b'].map((label) => spawnScript(FAULT_WORKER, rescuer(label), label));
      // Both already scanning when the leases lapse, as in any deployment of several processes.
      await Promise.all(rescuers.map((child) => child.start()));
      await doomed.child.kill();
      await waitFor(async () => (await db.storage.count({ status: Status.FAILED })) === JOBS, { timeout: 30_000, description: 'every orphan FAILED' });
      await Promise.all(rescuers.map((child) => child.stop()));

      const recovers = countById(readExecutions(recoverLog));
      printFigures('stuck-recovery-race', {
        load: `${JOBS} instances (retries 0) of a SIGKILLed process, reclaimed by 2 processes (stuck recovery every 100 ms)`,
        'Recover runs per instance': ids.map((id) => recovers.get(id) ?? 0).join(' '),
      });
      expect(ids.map((id) => recovers.get(id) ?? 0)).toEqual(ids.map(() => 1));
    },
    90_000,
  );
});
