import { Injectable } from '@nestjs/common';
import {
  Command,
  type CommandContext,
  type CommandHandler,
  constantBackoff,
  createEvent,
  DurexClient,
  EventType,
  type Executor,
  type Instance,
  type InstanceEvent,
  PermanentError,
  Recover,
  Result,
  Status,
} from 'nestjs-durex';
import { makeInstance } from '../support/instances.js';
import { waitFor } from '../support/wait-for.js';

/*
 * A small order service for the dashboard's browser suite, and the database it leaves behind: an
 * hour of finished work (as a running service would have left it, with an incident 20 minutes ago),
 * then live instances in every status, and two order workflows, one of which fails its payment and
 * is compensated.
 */

/**
 * The warehouse API that syncInventory calls: down until the suite "fixes" it before a replay, and
 * able to hold a sync in flight so that the suite can look at the run before letting it finish.
 */
@Injectable()
export class Warehouse {
  healthy = false;
  private gate: Promise<void> = Promise.resolve();
  private open = (): void => {};

  /** Makes every sync from now on wait until {@link release}. */
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  /** Lets the held syncs finish. */
  release(): void {
    this.open();
  }

  async sync(): Promise<void> {
    if (!this.healthy) throw new Error('warehouse API answered 503 Service Unavailable');
    await this.gate;
  }
}

/** Stands for a call to another service, so the workflow's runs take time as they would. */
const work = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The card that the payment provider declines. */
const DECLINED_CARD = '4000 0000 0000 0002';

@Command('placeOrder')
class PlaceOrderCommand implements CommandHandler {
  async execute(order: Instance): Promise<Result> {
    await work(15);
    return order.continueSequence({ placedAt: new Date().toISOString() });
  }
}

@Command('reserveStock')
class ReserveStockCommand implements CommandHandler {
  async execute(order: Instance): Promise<Result> {
    await work(60);
    const next = order.continueSequence({ reservation: `R-${order.getString('orderId')}` });
    return Result.spawn(...next.commands, { name: 'sendEmail', data: { to: order.getString('customer'), template: 'order-received' } });
  }
}

@Command('chargeCard', { retries: 0 })
class ChargeCardCommand implements CommandHandler {
  async execute(order: Instance): Promise<Result> {
    await work(140);
    if (order.getString('card') === DECLINED_CARD) throw new PermanentError('card declined by the issuer: insufficient funds (code 51)');
    return order.continueSequence({ paymentId: `P-${order.getString('orderId')}` });
  }

  @Recover()
  compensate(order: Instance, error: Error): Result {
    return Result.next({ name: 'releaseStock', data: { orderId: order.getString('orderId'), reservation: order.getString('reservation'), reason: error.message } });
  }
}

@Command('shipOrder')
class ShipOrderCommand implements CommandHandler {
  execute(): Promise<void> {
    return work(90);
  }
}

@Command('releaseStock')
class ReleaseStockCommand implements CommandHandler {
  execute(): Promise<void> {
    return work(40);
  }
}

@Command('sendEmail')
class SendEmailCommand implements CommandHandler {
  execute(): Promise<void> {
    return work(25);
  }
}

@Command('syncInventory', { retries: 1, backoff: constantBackoff(20) })
class SyncInventoryCommand implements CommandHandler {
  constructor(private readonly warehouse: Warehouse) {}
  execute(): Promise<void> {
    return this.warehouse.sync();
  }
}

@Command('generateReport')
class GenerateReportCommand implements CommandHandler {
  execute(): void {}
}

/** Runs until it is aborted: an instance that stays STARTED while the suite looks. */
@Command('rebuildSearchIndex')
class RebuildSearchIndexCommand implements CommandHandler {
  execute(_instance: Instance, context: CommandContext): Promise<void> {
    return new Promise((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}

@Command('pollPartnerFeed', { period: 3_600_000 })
class PollPartnerFeedCommand implements CommandHandler {
  execute(): Result {
    return Result.repeat();
  }
}

/** The providers of the order service. */
export const ORDER_SERVICE_PROVIDERS = [
  Warehouse,
  PlaceOrderCommand,
  ReserveStockCommand,
  ChargeCardCommand,
  ShipOrderCommand,
  ReleaseStockCommand,
  SendEmailCommand,
  SyncInventoryCommand,
  GenerateReportCommand,
  RebuildSearchIndexCommand,
  PollPartnerFeedCommand,
];

/** What the suite looks for after seeding. */
export interface SeededDatabase {
  /** The order whose payment fails: its workflow has a sequence, a spawn and a compensation. */
  failedOrder: { correlationId: string; chargeId: string };
  /** A dead-lettered syncInventory, replayable once the warehouse is healthy. */
  deadLetterId: string;
  /** A delayed generateReport, cancellable from the list. */
  pendingId: string;
  /** Another delayed generateReport, cancellable from its own page. */
  weeklyId: string;
  /** The tag of two delayed generateReports, cancellable together. */
  monthEndTag: string;
}

/** Seeds the database through the running application; resolves once everything has settled. */
export async function seedOrderService(client: DurexClient, executor: Executor): Promise<SeededDatabase> {
  await executor.storage.insert(history(executor, Date.now()));

  const order = (orderId: string, card: string) => ({
    name: 'placeOrder',
    correlationId: `order-${orderId}`,
    sequence: ['reserveStock', 'chargeCard', 'shipOrder'],
    tags: ['orders', 'eu-west'],
    data: { orderId, customer: 'ada@example.com', card, items: [{ sku: 'KB-01', qty: 1 }, { sku: 'MS-07', qty: 2 }], total: 189.5, currency: 'EUR' },
    metadata: { source: 'checkout', requestId: `req-${orderId}` },
  });
  await client.add(order('1041', '4242 4242 4242 4242'));
  await client.add(order('1042', DECLINED_CARD));
  const deadLetter = await client.add({ name: 'syncInventory', data: { warehouse: 'AMS-2', skus: 1_840 }, tags: ['inventory'] });
  const pending = await client.add({ name: 'generateReport', data: { report: 'daily-sales', day: '2026-03-01' }, delay: 3_600_000, tags: ['nightly'] });
  const weekly = await client.add({ name: 'generateReport', data: { report: 'weekly-returns' }, delay: 7_200_000, tags: ['nightly'] });
  for (const report of ['month-end-close', 'month-end-payroll']) await client.add({ name: 'generateReport', data: { report }, delay: 86_400_000, tags: ['month-end'] });
  const cancelled = await client.add({ name: 'generateReport', data: { report: 'stock-valuation' }, delay: 3_600_000, tags: ['nightly'] });
  await client.cancel(cancelled.id);
  await client.add({ name: 'sendEmail', data: { to: 'grace@example.com', template: 'quote' }, delay: 150, deadline: 50 });
  await client.add({ name: 'rebuildSearchIndex', data: { index: 'products' } });
  await client.add({ name: 'pollPartnerFeed', data: { partner: 'acme-wholesale' } });

  const settled = async (correlationId: string, count: number) =>
    (await client.find({ correlationId })).filter((instance) => instance.isTerminal()).length === count;
  await waitFor(() => settled('order-1041', 5), { description: 'order 1041 shipped' });
  await waitFor(() => settled('order-1042', 5), { description: 'order 1042 compensated' });
  await waitFor(async () => (await client.get(deadLetter.id)).status === Status.DEAD_LETTER, { description: 'syncInventory dead-lettered' });
  await waitFor(async () => (await client.find({ status: [Status.EXPIRED, Status.REPEATING, Status.STARTED] })).length === 3, { description: 'the expiry, repeat and long run' });
  const [charge] = await client.find({ correlationId: 'order-1042', name: 'chargeCard' });
  return { failedOrder: { correlationId: 'order-1042', chargeId: charge!.id }, deadLetterId: deadLetter.id, pendingId: pending.id, weeklyId: weekly.id, monthEndTag: 'month-end' };
}

/** Command names of the past hour, weighted as the service runs them. */
const PAST_WORK = ['sendEmail', 'sendEmail', 'sendEmail', 'placeOrder', 'reserveStock', 'chargeCard', 'shipOrder', 'syncInventory'] as const;

/** What each command's past failures said. */
const PAST_ERRORS: Record<(typeof PAST_WORK)[number], string> = {
  sendEmail: 'SMTP server refused the connection: 421 too many connections',
  placeOrder: 'order database is read-only during failover',
  reserveStock: 'warehouse API answered 503 Service Unavailable',
  chargeCard: 'payment provider timed out after 10000 ms',
  shipOrder: 'carrier API answered 429 Too Many Requests',
  syncInventory: 'warehouse API answered 503 Service Unavailable',
};

/**
 * An hour of finished instances before `now`: a steady flow with a morning-like rise, and an
 * incident 20 minutes ago in which the warehouse sync and some payments failed.
 */
function history(executor: Executor, now: number): Instance[] {
  const random = seededRandom(42);
  const instances: Instance[] = [];
  for (let minute = 60; minute >= 1; minute -= 1) {
    const perMinute = 4 + Math.round(3 * Math.sin(minute / 9) + 3 * random());
    const incident = minute >= 18 && minute <= 23;
    for (let index = 0; index < perMinute; index += 1) {
      const name = PAST_WORK[Math.floor(random() * PAST_WORK.length)]!;
      const createdAt = now - minute * 60_000 + Math.floor(random() * 55_000);
      const fails = (incident && (name === 'syncInventory' || name === 'chargeCard' || random() < 0.25)) || random() < 0.02;
      instances.push(pastInstance(executor, name, createdAt, fails, random));
    }
  }
  return instances;
}

function pastInstance(executor: Executor, name: string, createdAt: number, fails: boolean, random: () => number): Instance {
  const startedAt = createdAt + 5 + Math.floor(random() * 400);
  const ran = 20 + Math.floor(random() * (name === 'syncInventory' ? 2_500 : 600));
  const completedAt = startedAt + ran;
  const at = (time: number) => new Date(time);
  const events: InstanceEvent[] = [createEvent(EventType.CREATED, at(createdAt)), createEvent(EventType.STARTED, at(startedAt), { attempt: 1 })];
  const error = PAST_ERRORS[name as (typeof PAST_WORK)[number]];
  if (fails) {
    events.push(createEvent(EventType.FAILED, at(completedAt), { attempt: 1, error, durationMs: ran }));
    events.push(createEvent(EventType.RECOVERED, at(completedAt), { attempt: 1, message: 'moved to the dead letter queue' }));
  } else {
    events.push(createEvent(EventType.COMPLETED, at(completedAt), { attempt: 1, durationMs: ran }));
  }
  const id = executor.options.idGenerator.generate();
  return makeInstance(
    {
      id,
      name,
      data: { batch: Math.floor(createdAt / 60_000) % 1_000 },
      status: fails ? Status.DEAD_LETTER : Status.COMPLETED,
      attempt: 1,
      correlationId: id,
      createdAt: at(createdAt),
      readyAt: at(createdAt),
      startedAt: at(startedAt),
      completedAt: at(completedAt),
      error: fails ? error : null,
    },
    events,
  );
}

/** A deterministic pseudo-random sequence (mulberry32), so the seeded hour looks the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
