import { Command, type CommandHandler, InvalidOptionsError, Status } from 'nestjs-durex';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapError, createDurexApp, type DurexTestApp } from '../fixtures/durex-app.js';
import { delay } from '../support/executor-harness.js';
import { type Interval, maxInWindow, maxOverlap } from '../support/intervals.js';
import { STORAGE_KINDS } from '../support/storages.js';
import { waitFor } from '../support/wait-for.js';

const renders: Interval[] = [];

@Command('renderThumbnail', { concurrency: 2 })
class RenderThumbnailCommand implements CommandHandler {
  async execute(): Promise<void> {
    const start = Date.now();
    await delay(30);
    renders.push({ start, end: Date.now() });
  }
}

@Command('pingPartner', { rateLimit: { max: 2, per: 300 } })
class PingPartnerCommand implements CommandHandler {
  execute(): void {}
}

@Command('badLimit', { concurrency: 0 })
class BadLimitCommand implements CommandHandler {
  execute(): void {}
}

describe.each(STORAGE_KINDS)('@Command cluster-wide limits on %s', (kind) => {
  let running: DurexTestApp | undefined;
  afterEach(() => running?.app.close());

  it('applies the concurrency and rateLimit options of @Command', async () => {
    running = await createDurexApp([RenderThumbnailCommand, PingPartnerCommand], { storage: kind, parallelism: 8, pollInterval: 50 });
    const { client } = running;
    await client.addMany([...Array.from({ length: 8 }, () => ({ name: 'renderThumbnail' })), ...Array.from({ length: 5 }, () => ({ name: 'pingPartner' }))]);
    await waitFor(async () => (await client.count({ status: Status.COMPLETED })) === 13, { timeout: 5_000 });
    expect(maxOverlap(renders)).toBe(2);
    // A start is the claim (its startedAt and `started` event), not the moment the handler is called.
    const pings = await client.find({ name: 'pingPartner' });
    const starts = (await Promise.all(pings.map((ping) => client.history(ping.id)))).flat().filter((e) => e.type === 'started');
    expect(starts).toHaveLength(5);
    expect(maxInWindow(starts.map((e) => e.timestamp.getTime()), 300)).toBeLessThanOrEqual(2);
  });
});

describe('@Command cluster-wide limits', () => {

  it('fails bootstrap on a bad @Command limit', async () => {
    expect(await bootstrapError([BadLimitCommand])).toBeInstanceOf(InvalidOptionsError);
  });
});
