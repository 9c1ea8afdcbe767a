// A separate process claiming from one SQLite file until it is empty, for the multi-process claim
// test. Usage: node --import ./ts-loader/register.mjs sqlite-claimer.child.ts <database> <owner>.
// Prints "ready", waits for a line on stdin (so every process starts claiming at once), then prints
// the claimed ids as one JSON array.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTypeOrmStorage } from '../../libs/durex/src/storage/index.js';

const [database, owner] = process.argv.slice(2) as [string, string];
const storage = await createTypeOrmStorage({ type: 'sqlite', database, busyTimeout: 30_000 });
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const claimed: string[] = [];
for (;;) {
  const batch = await storage.claim({ owner, limit: 2, leaseMs: 60_000, now: new Date(), names: ['job'] });
  if (!batch.length) break;
  claimed.push(...batch.map((instance) => instance.id));
  // A worker spends time on what it claimed; without the pause one process can empty the file
  // before a loaded machine schedules the others, and the test would prove no contention.
  await sleep(1);
}
await storage.close();
process.stdout.write(`${JSON.stringify(claimed)}\n`);
process.exit(0);
