import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurexClient, DurexModule, Executor, Status } from 'nestjs-durex';
import { DurexAdminModule } from 'nestjs-durex/admin';
import { DurexDashboardModule } from 'nestjs-durex/dashboard';
import type { Page } from 'playwright-core';
import { type Browser, launchChromium } from './chromium.browser.js';
import { type DashboardApp, GLOBAL_PREFIX, startDashboardApp } from './dashboard-app.js';
import { ORDER_SERVICE_PROVIDERS, type SeededDatabase, seedOrderService, Warehouse } from './order-service.seed.js';

/*
 * The dashboard in a real browser, against a real application: durex on SQLite with the order
 * service's handlers, the admin API and the dashboard under the global prefix /api. One browser and
 * one seeded database for the whole suite; the tests run in order, as an operator would click.
 *
 * Every run writes its screenshots to docs/screenshots, the ones the README shows, so they always
 * show the dashboard as it is. They are not byte-stable: instance ids are random and the timeline
 * shows the real run times, so a run changes them even when the page did not change.
 *
 * The browser may not leave the application's origin: any other request is refused and recorded,
 * which proves the page needs no CDN or other network to work.
 */

/** Where the README finds the screenshots. */
const SCREENSHOTS = join(process.cwd(), 'docs', 'screenshots');

/** A phone's viewport (an iPhone 12 to 15). */
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };

/** Lets the suite refuse admin API calls, like an authorisation guard deciding "no". */
const apiGate = { open: true, canActivate: () => apiGate.open };

describe('the dashboard in Chromium', () => {
  let directory: string;
  let running: DashboardApp;
  let browser: Browser;
  let page: Page;
  let seeded: SeededDatabase;
  let client: DurexClient;
  const pageErrors: string[] = [];
  const offOrigin: string[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'durex-dashboard-'));
    await mkdir(SCREENSHOTS, { recursive: true });
    running = await startDashboardApp({
      durex: DurexModule.forRoot({
        storage: { type: 'sqlite', database: join(directory, 'durex.db') },
        deadLetterQueue: true,
        pollInterval: 20,
        gracefulShutdown: 500,
        parallelism: 4,
      }),
      admin: DurexAdminModule.register({ guard: apiGate }),
      dashboard: DurexDashboardModule.register({ title: 'Order service', refreshInterval: 1_000 }),
      providers: ORDER_SERVICE_PROVIDERS,
    });
    client = running.app.get(DurexClient);
    seeded = await seedOrderService(client, running.app.get(Executor));
    browser = await launchChromium();
    await browser.context.route(
      (url) => url.origin !== running.origin,
      async (route) => {
        offOrigin.push(route.request().url());
        await route.abort('blockedbyclient');
      },
    );
    page = await newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.app.close();
    await rm(directory, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
    expect(offOrigin).toEqual([]);
  });

  async function newPage(): Promise<Page> {
    const opened = await browser.context.newPage();
    opened.on('pageerror', (error) => pageErrors.push(error.message));
    return opened;
  }

  /** Opens the dashboard at a route, through the page's address without its trailing slash. */
  async function open(route: string, on = page): Promise<void> {
    await on.goto(`${running.origin}/${GLOBAL_PREFIX}/durex/ui${route}`);
  }

  const main = (on = page) => on.locator('main');
  const headingBadge = (on = page) => main(on).locator('h1 .badge').textContent();
  /** The full ids of the instances the list shows, in its order. */
  const listedIds = () => main().locator('table.instances tbody th a').evaluateAll((links) => links.map((link) => link.getAttribute('title')));
  const focusedLabel = () => page.evaluate('document.activeElement?.getAttribute("aria-label")');

  /** Whether the page is wider than the viewport, so that a phone would have to scroll sideways. */
  const overflowsSideways = () => page.evaluate('document.documentElement.scrollWidth !== document.documentElement.clientWidth');

  it('shows the counts by status and by command, and throughput and failure-rate charts, and lays out on a phone', async () => {
    await open('#/');
    expect(page.url()).toBe(`${running.origin}/api/durex/ui/#/`);
    const stats = await client.stats();
    const card = (label: string) => main().locator('.status-card', { hasText: label }).locator('.status-count');
    await expect.poll(() => card('Completed').textContent()).toBe(stats.completed.toLocaleString('en'));
    expect(await card('Dead letter').textContent()).toBe(String(stats.deadLetter));
    expect(await card('Pending').textContent()).toBe(String(stats.pending));
    expect(await card('Started').textContent()).toBe('1');
    expect(await card('Repeating').textContent()).toBe('1');
    expect(await card('Expired').textContent()).toBe('1');
    expect(await card('Cancelled').textContent()).toBe('1');

    const byCommand = main().locator('table.by-command');
    const reports = await client.count({ name: 'generateReport' });
    expect(await byCommand.locator('tbody tr', { hasText: 'generateReport' }).locator('td').first().textContent()).toBe(String(reports));
    expect(await main().locator('.chart svg[aria-label^="Throughput"] rect.bar.completed').count()).toBeGreaterThan(20);
    expect(await main().locator('.chart svg[aria-label^="Failure rate"] polyline.rate-line').count()).toBeGreaterThan(0);
    expect(await page.title()).toBe('Overview · Order service');
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });

    await page.setViewportSize(PHONE);
    await expect.poll(overflowsSideways).toBe(false);
    await page.screenshot({ path: join(SCREENSHOTS, 'overview-phone.png'), fullPage: true });
    await page.setViewportSize(LAPTOP);
  });

  it('filters the list by status and name, and pages through it', async () => {
    await open('#/');
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Commands' }).click();
    await expect.poll(() => page.evaluate('document.activeElement?.tagName')).toBe('H1');
    await page.getByLabel('Status').selectOption({ label: 'Completed' });
    await page.getByLabel('Command').fill('sendEmail');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/#\/commands\?status=COMPLETED&name=sendEmail$/);

    const rows = main().locator('table.instances tbody tr');
    const expected = await client.count({ status: Status.COMPLETED, name: 'sendEmail' });
    expect(expected).toBeGreaterThan(25);
    await expect.poll(() => main().locator('.meta').first().textContent()).toBe(`Showing 1–25 of ${expected} instances.`);
    expect(await rows.count()).toBe(25);
    for (const text of await rows.allTextContents()) expect(text).toMatch(/sendEmail.*Completed/);
    const first = await listedIds();
    expect(await main().locator('.pager-position').textContent()).toBe(`Page 1 of ${Math.ceil(expected / 25)}`);

    await main().getByRole('link', { name: 'Next →' }).click();
    await page.waitForURL(/#\/commands\?status=COMPLETED&name=sendEmail&offset=25$/);
    await expect.poll(() => main().locator('.pager-position').textContent()).toBe(`Page 2 of ${Math.ceil(expected / 25)}`);
    const second = await listedIds();
    expect(second).toHaveLength(Math.min(25, expected - 25));
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    for (const text of await rows.allTextContents()) expect(text).toMatch(/sendEmail.*Completed/);

    await main().getByRole('link', { name: '← Previous' }).click();
    await page.waitForURL(/#\/commands\?status=COMPLETED&name=sendEmail$/);
    await expect.poll(() => main().locator('.pager-position').textContent()).toBe(`Page 1 of ${Math.ceil(expected / 25)}`);
    expect(await listedIds()).toEqual(first);
  });

  it('finds instances by the first characters of their id', async () => {
    const prefix = seeded.failedOrder.chargeId.slice(0, 12);
    const all = (await client.find({})).map((instance) => instance.id);
    const matching = all.filter((id) => id.startsWith(prefix)).sort();
    expect(matching.length).toBeLessThan(all.length);

    await open('#/commands');
    await page.getByLabel('Id starts with').fill(prefix);
    await page.getByLabel('Id starts with').press('Enter');
    await page.waitForURL(new RegExp(`#/commands\\?q=${prefix}$`));
    await expect.poll(async () => (await listedIds()).sort()).toEqual(matching);
    expect(await main().getByRole('link', { name: `chargeCard ${seeded.failedOrder.chargeId}` }).count()).toBe(1);
  });

  it('filters by tag, and cancels every active instance carrying it after confirmation', async () => {
    const tag = seeded.monthEndTag;
    const tagged = await client.find({ tags: [tag] });
    expect(tagged.map((instance) => instance.status)).toEqual([Status.PENDING, Status.PENDING]);

    await open('#/commands');
    await page.getByLabel('Tag').fill(tag);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`#/commands\\?tag=${tag}$`));
    await expect.poll(async () => (await listedIds()).sort()).toEqual(tagged.map((instance) => instance.id).sort());
    for (const text of await main().locator('table.instances tbody tr').allTextContents()) expect(text).toContain(tag);

    await main().getByRole('button', { name: `Cancel all active tagged ${tag}` }).click();
    await page.getByRole('dialog', { name: `Cancel everything tagged ${tag}?` }).getByRole('button', { name: 'Cancel by tag' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe(`Cancelled 2 active instances tagged ${tag}.`);
    expect((await client.find({ tags: [tag] })).map((instance) => instance.status)).toEqual([Status.CANCELLED, Status.CANCELLED]);
    await expect.poll(() => main().locator('table.instances tbody .badge').allTextContents()).toEqual(['Cancelled', 'Cancelled']);
    expect(await main().locator('table.instances').getByRole('button', { name: /^Cancel / }).count()).toBe(0);
  });

  it('shows an instance: its state, data, error, a history timeline with the time between events, and its parent and children', async () => {
    const charge = await client.get(seeded.failedOrder.chargeId);
    await open(`#/commands?correlationId=${seeded.failedOrder.correlationId}&name=chargeCard`);
    await main().getByRole('link', { name: `chargeCard ${charge.id}` }).click();
    await page.waitForURL(new RegExp(`#/commands/${charge.id}$`));

    await expect.poll(() => main().locator('h1').textContent()).toBe('chargeCard Dead letter');
    expect(await main().locator('.callout').textContent()).toContain('card declined by the issuer: insufficient funds (code 51)');
    const events = main().locator('.timeline li');
    expect(await events.locator('strong').allTextContents()).toEqual(['Created', 'Started', 'Failed', 'Recovered', 'Recovered']);
    expect(await events.nth(1).locator('.event-gap').textContent()).toMatch(/^ \+\d+(\.\d)? (ms|s) since the previous event$/);
    expect(await main().locator('pre.json').first().textContent()).toContain('"card": "4000 0000 0000 0002"');
    expect(await main().getByRole('link', { name: charge.parentId! }).count()).toBe(1);
    const children = main().locator('section', { has: page.getByRole('heading', { name: 'Children (1)' }) });
    expect(await children.locator('tbody tr').textContent()).toMatch(/releaseStock.*Completed/);
    await page.screenshot({ path: join(SCREENSHOTS, 'instance-detail.png'), fullPage: true });
  });

  it('draws the workflow of a correlation id as a tree of sequence steps, spawns and the compensation', async () => {
    await main().getByRole('link', { name: 'View workflow' }).click();
    await page.waitForURL(/#\/workflows\/order-1042$/);
    const tree = main().locator('ul.tree');
    await expect.poll(() => tree.locator('.node').count()).toBe(5);
    const node = (name: string) => tree.locator('.node', { has: page.locator('.node-name', { hasText: new RegExp(`^${name}$`) }) });
    expect(await node('placeOrder').locator('.relation').textContent()).toBe('root');
    expect(await node('reserveStock').locator('.relation').textContent()).toBe('sequence step');
    expect(await node('sendEmail').locator('.relation').textContent()).toBe('spawned');
    expect(await node('chargeCard').locator('.badge').textContent()).toBe('Dead letter');
    expect(await node('releaseStock').locator('.relation').textContent()).toBe('compensation');
    // Nesting follows parentId: the compensation sits under the payment it undoes.
    expect(await tree.locator('li:has(> .node .node-name:text-is("chargeCard")) > ul .node-name').allTextContents()).toEqual(['releaseStock']);
    await page.screenshot({ path: join(SCREENSHOTS, 'workflow.png'), fullPage: true });
  });

  it('fits the list, an instance, a workflow and the dead letter queue on a phone without scrolling sideways', async () => {
    await page.setViewportSize(PHONE);
    try {
      const routes = ['#/commands', `#/commands/${seeded.failedOrder.chargeId}`, `#/workflows/${seeded.failedOrder.correlationId}`, '#/dlq'];
      for (const route of routes) {
        await open(route);
        await main().locator('table, ul.tree').first().waitFor();
        expect(await overflowsSideways(), route).toBe(false);
      }
    } finally {
      await page.setViewportSize(LAPTOP);
    }
  });

  it('labels every control, on pages with rows, and keeps keyboard focus visible', async () => {
    const routes = ['#/', '#/commands', '#/workflows', `#/workflows/${seeded.failedOrder.correlationId}`, '#/dlq', `#/commands/${seeded.pendingId}`];
    for (const route of routes) {
      await open(route);
      await main().locator('h1').waitFor();
      if (route === '#/dlq') await expect.poll(() => main().locator('tbody tr').count()).toBeGreaterThan(0);
      if (route.startsWith('#/workflows/')) await expect.poll(() => main().locator('.node').count()).toBe(5);
      const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, button, a[href]')]
        .filter((element) => !(element.labels?.length || element.getAttribute('aria-label') || element.textContent.trim()))
        .map((element) => element.outerHTML)`);
      expect(unlabelled, route).toEqual([]);
    }
    await open('#/');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).toBe('solid');
  });

  it('opens a cancel confirmation from the keyboard, and Escape keeps the instance and returns focus', async () => {
    const label = `Cancel generateReport ${seeded.pendingId}`;
    await open('#/commands?status=PENDING&name=generateReport');
    await main().getByRole('button', { name: label }).waitFor();
    for (let presses = 0; presses < 60 && (await focusedLabel()) !== label; presses += 1) await page.keyboard.press('Tab');
    expect(await focusedLabel()).toBe(label);

    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Cancel generateReport?' });
    await dialog.waitFor();
    expect(await page.evaluate('document.activeElement?.closest("dialog[open]") !== null')).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focusedLabel()).toBe(label);
    expect((await client.get(seeded.pendingId)).status).toBe(Status.PENDING);
  });

  it('replays a dead-lettered job after confirmation, and its open page shows it run and complete without reloading', async () => {
    const warehouse = running.app.get(Warehouse);
    const watching = await newPage();
    try {
      await open(`#/commands/${seeded.deadLetterId}`, watching);
      await expect.poll(() => headingBadge(watching)).toBe('Dead letter');
      const address = watching.url();
      await watching.evaluate('window.stayedOpen = true');

      // The watching page stays open behind; clicks wait for animation frames, which only the front page gets.
      await page.bringToFront();
      await open('#/dlq?name=syncInventory');
      warehouse.healthy = true;
      // The replayed sync waits at the warehouse until the watching page has shown it running.
      warehouse.hold();
      const row = main().locator('tbody tr', { has: page.getByRole('link', { name: `syncInventory ${seeded.deadLetterId}` }) });
      await row.getByRole('button', { name: `Replay syncInventory ${seeded.deadLetterId}` }).click();
      const dialog = page.getByRole('dialog', { name: 'Replay syncInventory?' });
      expect(await dialog.textContent()).toContain('full retry budget (1 retry)');
      await dialog.getByRole('button', { name: 'Replay' }).click();
      await expect.poll(() => page.locator('#status').textContent()).toContain(`Replayed syncInventory ${seeded.deadLetterId}`);

      await expect.poll(() => headingBadge(watching), { timeout: 10_000 }).toBe('Started');
      warehouse.release();
      await expect.poll(() => headingBadge(watching), { timeout: 10_000 }).toBe('Completed');
      expect(await main(watching).locator('.timeline strong').allTextContents()).toContain('Completed');
      expect(watching.url()).toBe(address);
      expect(await watching.evaluate('window.stayedOpen')).toBe(true);
    } finally {
      warehouse.release();
      await watching.close();
    }
  });

  it('cancels a pending job from the list after confirmation, and keeps it when the dialog is declined', async () => {
    await open(`#/commands?status=PENDING&name=generateReport`);
    const cancel = main().getByRole('button', { name: `Cancel generateReport ${seeded.pendingId}` });
    await cancel.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Keep' }).click();
    expect((await client.get(seeded.pendingId)).status).toBe(Status.PENDING);
    expect(await focusedLabel()).toBe(`Cancel generateReport ${seeded.pendingId}`);

    await cancel.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel instance' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe(`Cancelled generateReport ${seeded.pendingId}.`);
    expect((await client.get(seeded.pendingId)).status).toBe(Status.CANCELLED);
    const left = await client.count({ status: Status.PENDING, name: 'generateReport' });
    await expect.poll(() => main().locator('tbody tr').count()).toBe(left);
    expect(await listedIds()).not.toContain(seeded.pendingId);
  });

  it('cancels a pending job from its own page after confirmation', async () => {
    await open(`#/commands/${seeded.weeklyId}`);
    await expect.poll(() => headingBadge()).toBe('Pending');
    await main().getByRole('button', { name: `Cancel generateReport ${seeded.weeklyId}` }).click();
    await page.getByRole('dialog', { name: 'Cancel generateReport?' }).getByRole('button', { name: 'Cancel instance' }).click();
    await expect.poll(() => headingBadge()).toBe('Cancelled');
    expect(await page.locator('#status').textContent()).toBe(`Cancelled generateReport ${seeded.weeklyId}.`);
    expect(await main().getByRole('button', { name: /^Cancel / }).count()).toBe(0);
    expect((await client.get(seeded.weeklyId)).status).toBe(Status.CANCELLED);
  });

  it('purges the dead letter queue after confirmation', async () => {
    const before = await client.count({ status: Status.DEAD_LETTER });
    await open('#/dlq');
    await page.getByLabel('Dead letters to purge').selectOption({ label: 'All of them' });
    await page.getByRole('button', { name: 'Purge…' }).click();
    await page.getByRole('dialog', { name: 'Purge dead letters?' }).getByRole('button', { name: 'Purge' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe(`Purged ${before} dead-lettered instances.`);
    await expect.poll(() => main().textContent()).toContain('The dead letter queue is empty.');
    expect(await client.count({ status: Status.DEAD_LETTER })).toBe(0);
  });

  it('shows an API refusal as an alert instead of a blank page, and recovers on "Try again"', async () => {
    apiGate.open = false;
    try {
      await open('#/');
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('403 Forbidden: Forbidden resource');
      expect(await main().locator('h1').textContent()).toBe('The overview is unavailable');
    } finally {
      apiGate.open = true;
    }
    await main().getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => main().locator('h1').textContent()).toBe('Overview');
    expect(await page.getByRole('alert').textContent()).toBe('');
  });

  it('pauses and resumes live updates with a toggle button', async () => {
    await open('#/');
    const toggle = page.getByRole('button', { name: 'Live updates' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('#status').textContent()).toBe('Live updates paused.');
    const updated = await main().locator('.meta').first().textContent();
    // Proving that nothing happens takes time: one and a half refresh intervals pass without a reload.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await main().locator('.meta').first().textContent()).toBe(updated);

    await toggle.click();
    expect(await page.locator('#status').textContent()).toBe('Live updates on: the page reloads every 1 s.');
    await expect.poll(() => main().locator('.meta').first().textContent()).not.toBe(updated);
  });
});
