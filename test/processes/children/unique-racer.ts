import { createTypeOrmStorage, DuplicateCommandError, Executor } from 'nestjs-durex';
import type { RacerConfig } from '../support/protocol.js';
import { childConfig, leave, nextMessage, report, runChild, until } from './runtime.js';

/**
 * One side of the unique-key race: on `go` it fires `count` concurrent adds with one unique key at
 * the shared start time, and reports which were created, which were refused as duplicates, and any
 * other error.
 */
runChild(async () => {
  const config = childConfig<RacerConfig>();
  const storage = await createTypeOrmStorage(config.storage);
  const executor = new Executor(storage, { commands: [config.name] });
  // Open every pooled connection now, so the adds race each other rather than connection set-up.
  const poolSize = config.storage.type === 'postgres' ? (config.storage.poolSize ?? 10) : 1;
  await Promise.all(Array.from({ length: poolSize }, () => storage.ping()));
  await report({ type: 'ready' });

  await until((await nextMessage('go')).at);
  const from = Date.now();
  const outcomes = await Promise.allSettled(
    Array.from({ length: config.count }, (_, n) => executor.add({ name: config.name, data: { pid: process.pid, n }, uniqueKey: config.uniqueKey })),
  );
  const to = Date.now();
  const created: string[] = [];
  const holders: string[] = [];
  const errors: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') created.push(outcome.value.id);
    else if (outcome.reason instanceof DuplicateCommandError) holders.push(outcome.reason.existingId ?? '');
    else errors.push(String((outcome.reason as Error)?.stack ?? outcome.reason));
  }
  await executor.stop();
  await storage.close();
  await report({ type: 'raced', created, duplicates: holders.length, holders, errors, from, to });
  leave();
});
