import { Cron } from 'croner';
import { InvalidSpecError } from '../core/errors/invalid-spec.error.js';
import { EventType } from '../core/event.js';
import type { Instance } from '../core/instance.js';
import { Result } from '../core/result.js';
import type { Spec } from '../core/spec.js';
import type { Clock } from '../core/clock.js';
import type { CommandDefinition } from './handler-registry.js';

/**
 * What happens to ticks that passed while no process was running the schedule: `'skip'` drops
 * them; `{ catchUp: n }` runs the latest `n` of them once, then resumes.
 *
 * @publicApi
 */
export type MissedTicksPolicy = 'skip' | { catchUp: number };

/** @publicApi */
export interface ScheduleOptions {
  /** An IANA time zone the cron expression is read in, such as 'Europe/Paris'. @default the process's zone */
  timezone?: string;
  /** @default 'skip' */
  missed?: MissedTicksPolicy;
  /** A tick claimed at most this late is on time, not missed. @default 60000 */
  grace?: number;
}

/** A schedule as stored. @publicApi */
export interface ScheduleInfo {
  name: string;
  cron: string;
  timezone: string | null;
  spec: Spec;
  nextTick: Date;
  /** The id of the instance that carries the schedule. */
  instanceId: string;
}

/** The prefix of the internal commands whose one active instance per schedule spawns each tick's command. */
export const SCHEDULE_COMMAND = 'durex.schedule';

/** The tag every schedule instance carries. */
export const SCHEDULE_TAG = 'durex:schedule';

/**
 * The internal command that carries the schedules of one command. Named per target, so only a
 * process that handles or declares the target claims its schedules: one that does not know it (a
 * dashboard, another service) never runs a tick it would have to fail.
 */
export function scheduleCommandName(target: string): string {
  return `${SCHEDULE_COMMAND}:${target}`;
}

/** The unique key (and tag) of a schedule's instance: at most one active per name, cluster-wide. */
export function scheduleKey(name: string): string {
  return `durex:schedule:${name}`;
}

/** What a schedule instance carries. */
export interface ScheduleData {
  [key: string]: unknown;
  schedule: string;
  cron: string;
  timezone: string | null;
  spec: Spec;
  catchUp: number;
  grace: number;
  /** The tick this instance is waiting for, ISO. */
  tick: string;
}

/** Most ticks looked at when working out which were missed, so a long outage of a per-second schedule stays cheap. */
const MAX_TICKS_SCANNED = 100_000;

/** Parses a cron expression (5 to 7 fields, croner's syntax) in a time zone; rejects bad ones by name. */
export function parseCron(cron: string, timezone?: string | null): Cron {
  try {
    return new Cron(cron, { timezone: timezone ?? undefined, paused: true });
  } catch (error) {
    throw new InvalidSpecError('cron', `"${cron}"${timezone ? ` in ${timezone}` : ''} is not a valid cron expression: ${(error as Error).message}`);
  }
}

/** The first tick strictly after `after`, or null when the expression has no more. */
export function nextTick(cron: Cron, after: Date): Date | null {
  return cron.nextRun(after);
}

/** The ticks from `first` up to `now`, in order (at most the last `MAX_TICKS_SCANNED`). */
export function dueTicks(cron: Cron, first: Date, now: Date): Date[] {
  const due: Date[] = [];
  for (let tick: Date | null = first; tick && tick <= now; tick = cron.nextRun(tick)) {
    due.push(tick);
    if (due.length > MAX_TICKS_SCANNED) due.shift();
  }
  return due;
}

/** Builds the data of a schedule instance, validating the expression; the first tick is the next one after `now`. */
export function scheduleData(name: string, cron: string, spec: Spec, options: ScheduleOptions, now: Date): ScheduleData {
  const parsed = parseCron(cron, options.timezone);
  const first = nextTick(parsed, now);
  if (!first) throw new InvalidSpecError('cron', `"${cron}" has no future tick`);
  const missed = options.missed ?? 'skip';
  const catchUp = missed === 'skip' ? 0 : missed.catchUp;
  if (!Number.isInteger(catchUp) || catchUp < 0) throw new InvalidSpecError('missed.catchUp', 'must be an integer ≥ 0');
  const grace = options.grace ?? 60_000;
  if (!Number.isFinite(grace) || grace < 0) throw new InvalidSpecError('grace', 'must be a number of milliseconds ≥ 0');
  return { schedule: name, cron, timezone: options.timezone ?? null, spec, catchUp, grace, tick: first.toISOString() };
}

/**
 * The handler of schedule instances. Each run spawns the command for every tick it is due for
 * (the tick it waited for, plus caught-up missed ones), each with a per-tick unique key, then
 * repeats at the next tick. Because a schedule's instance holds a unique key, exactly one process
 * runs each tick, however many share the storage: no leader election.
 */
export function scheduleCommand(target: string, clock: Clock): CommandDefinition<ScheduleData> {
  return {
    name: scheduleCommandName(target),
    source: 'durex schedules',
    execute(instance: Instance<ScheduleData>) {
      const data = instance.data;
      const cron = parseCron(data.cron, data.timezone);
      const now = new Date(clock.now());
      const due = dueTicks(cron, new Date(data.tick), now);
      const latest = due.at(-1);
      const onTime = latest && now.getTime() - latest.getTime() <= data.grace ? [latest] : [];
      const missed = onTime.length ? due.slice(0, -1) : due;
      const run = [...(data.catchUp > 0 ? missed.slice(-data.catchUp) : []), ...onTime];
      if (missed.length) {
        instance.recordEvent(EventType.RECOVERED, `${missed.length} missed tick(s); ran ${run.length - onTime.length} of them (policy: ${data.catchUp ? `catch up ${data.catchUp}` : 'skip'})`);
      }
      const children = run.map((tick) => tickSpec(data, tick));
      const next = nextTick(cron, latest && latest > now ? latest : now);
      if (!next) return Result.spawn(...children);
      instance.set('tick', next.toISOString());
      return Result.repeatAt(next, ...children);
    },
  };
}

function tickSpec(data: ScheduleData, tick: Date): Spec {
  const at = tick.toISOString();
  return {
    ...data.spec,
    uniqueKey: data.spec.uniqueKey ?? `durex:tick:${data.schedule}:${at}`,
    metadata: { ...data.spec.metadata, schedule: data.schedule, scheduledFor: at },
  };
}
