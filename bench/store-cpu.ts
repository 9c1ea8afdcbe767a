import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU in clock ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

const PROCESS_NAMES = { postgres: 'postgres', redis: 'redis-server' } as const;

/**
 * CPU time the store's server processes have used so far, in ms: every `postgres` process (the
 * postmaster's cutime/cstime holds the backends that have exited) or `redis-server`. The difference
 * of two readings is the server's share of the work between them, background work included
 * (autovacuum, checkpoints), which is part of what a job costs.
 */
export function storeCpuMs(store: keyof typeof PROCESS_NAMES): number {
  const name = PROCESS_NAMES[store];
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== name) continue;
    // After "pid (comm) ": state, ppid, … ; utime, stime, cutime, cstime are fields 14–17 of stat(5).
    const fields = stat.slice(close + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks * TICK_MS;
}
