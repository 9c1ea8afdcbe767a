import { join } from 'node:path';
import { Status } from 'nestjs-durex';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { CLEAN_EXIT } from './support/child-processes.js';
import { readExecutions } from './support/execution-log.js';
import { useProcessTest } from './support/process-harness.js';

describe('enqueueing inside a TypeORM transaction, across processes', () => {
  const { spawn, postgres, tempDir } = useProcessTest();

  it(
    'leaves no row when the enqueuing process dies before commit, and exactly one runnable row when it commits',
    async () => {
      const db = await postgres();
      const log = join(await tempDir(), 'worker.log');
      const killed = spawn('tx-enqueuer', { storage: db.forChild(2), name: 'txJob', outcome: 'hang' }, 'killed-before-commit');
      const committer = spawn('tx-enqueuer', { storage: db.forChild(2), name: 'txJob', outcome: 'commit' }, 'committer');
      const worker = spawn('worker', { storage: db.forChild(2), executor: { parallelism: 4 }, commands: ['txJob'], behaviour: 'complete', log });
      await Promise.all([killed, committer].map((child) => child.ready()));
      // Running throughout: it must never see the uncommitted job, and must run the committed one.
      await worker.start();

      killed.send({ type: 'go' });
      const open = await killed.next('in-transaction');
      expect(await db.storage.get(open.id)).toBeNull();
      expect(await killed.kill()).toEqual({ code: null, signal: 'SIGKILL' });
      // Its backend gone means its transaction ended, and a transaction that never committed rolled back.
      await waitFor(
        async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [open.backendPid]))[0]!.n === 0,
        { description: `backend ${open.backendPid} of the killed process gone` },
      );
      expect(await db.storage.get(open.id)).toBeNull();
      expect(await db.storage.count({ name: 'txJob' })).toBe(0);

      committer.send({ type: 'go' });
      const { id } = await committer.next('committed');
      expect(await committer.finished()).toEqual(CLEAN_EXIT);
      await waitFor(async () => (await db.storage.get(id))?.status === Status.COMPLETED, { description: 'the committed job COMPLETED' });
      expect((await worker.stop()).exit).toEqual(CLEAN_EXIT);

      expect((await db.storage.find({ name: 'txJob' })).map((instance) => [instance.id, instance.status])).toEqual([[id, Status.COMPLETED]]);
      expect(readExecutions(log).map((execution) => [execution.id, execution.pid])).toEqual([[id, worker.pid]]);
    },
    60_000,
  );
});
