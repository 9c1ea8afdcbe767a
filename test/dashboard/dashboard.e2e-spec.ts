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
 * Screenshots are taken on every run; `UPDATE_SCREENSHOTS=1` writes them to docs/screenshots (the
 * ones the README shows), otherwise they go to a temporary folder so a run leaves the tree clean.
 */

/** Lets the suite refuse admin API calls, like an authorisation guard deciding "no". */
const apiGate = { open: true, canActivate: () => apiGate.open };

describe('the dashboard in Chromium', () => {
  let directory: string;
  let screenshots: string;
  let running: DashboardApp;
  let browser: Browser;
  let page: Page;
  let seeded: SeededDatabase;
  let client: DurexClient;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'durex-dashboard-'));
    screenshots = process.env.UPDATE_SCREENSHOTS ? join(process.cwd(), 'docs', 'screenshots') : join(directory, 'screenshots');
    await mkdir(screenshots, { recursive: true });
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
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.app.close();
    await rm(directory, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  /** Opens the dashboard at a route, through the page's address without its trailing slash. */
  async function open(route: string): Promise<void> {
    await page.goto(`${running.origin}/${GLOBAL_PREFIX}/durex/ui${route}`);
  }

  const main = () => page.locator('main');

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
    expect(await byCommand.locator('tbody tr', { hasText: 'generateReport' }).locator('td').first().textContent()).toBe('3');
    expect(await main().locator('.chart svg[aria-label^="Throughput"] rect.bar.completed').count()).toBeGreaterThan(20);
    expect(await main().locator('.chart svg[aria-label^="Failure rate"] polyline.rate-line').count()).toBeGreaterThan(0);
    expect(await page.title()).toBe('Overview · Order service');
    await page.screenshot({ path: join(screenshots, 'overview.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate('document.documentElement.scrollWidth')).toBe(390);
    await page.screenshot({ path: join(screenshots, 'overview-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('filters the list by status and name, and pages through it', async () => {
    await open('#/');
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Commands' }).click();
    await expect.poll(() => page.evaluate('document.activeElement?.tagName')).toBe('H1');
    await page.getByLabel('Status').selectOption({ label: 'Dead letter' });
    await page.getByLabel('Command').fill('syncInventory');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/#\/commands\?status=DEAD_LETTER&name=syncInventory$/);

    const rows = main().locator('table.instances tbody tr');
    const expected = await client.count({ status: Status.DEAD_LETTER, name: 'syncInventory' });
    await expect.poll(() => main().locator('.meta').first().textContent()).toContain(`of ${expected} instances`);
    expect(await rows.count()).toBe(Math.min(expected, 25));
    for (const text of await rows.allTextContents()) expect(text).toMatch(/syncInventory.*Dead letter/);

    if (expected > 25) {
      await main().getByRole('link', { name: 'Next →' }).click();
      await page.waitForURL(/offset=25/);
      await expect.poll(() => main().locator('.pager-position').textContent()).toMatch(/^Page 2 of/);
    }
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
    await page.screenshot({ path: join(screenshots, 'instance-detail.png'), fullPage: true });
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
    await page.screenshot({ path: join(screenshots, 'workflow.png'), fullPage: true });
  });

  it('replays a dead-lettered job after confirmation and shows it complete live', async () => {
    await open('#/dlq?name=syncInventory');
    running.app.get(Warehouse).healthy = true;
    const row = main().locator('tbody tr', { has: page.getByRole('link', { name: `syncInventory ${seeded.deadLetterId}` }) });
    await row.getByRole('button', { name: `Replay syncInventory ${seeded.deadLetterId}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay syncInventory?' });
    expect(await dialog.textContent()).toContain('full retry budget (1 retry)');
    await dialog.getByRole('button', { name: 'Replay' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toContain(`Replayed syncInventory ${seeded.deadLetterId}`);

    await open(`#/commands/${seeded.deadLetterId}`);
    await expect.poll(() => main().locator('h1 .badge').textContent(), { timeout: 10_000 }).toBe('Completed');
    expect(await main().locator('.timeline strong').allTextContents()).toContain('Completed');
  });

  it('cancels a pending job after confirmation, and keeps it when the dialog is declined', async () => {
    await open(`#/commands?status=PENDING&name=generateReport`);
    const cancel = main().getByRole('button', { name: `Cancel generateReport ${seeded.pendingId}` });
    await cancel.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Keep' }).click();
    expect((await client.get(seeded.pendingId)).status).toBe(Status.PENDING);
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe(`Cancel generateReport ${seeded.pendingId}`);

    await cancel.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel instance' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe(`Cancelled generateReport ${seeded.pendingId}.`);
    expect((await client.get(seeded.pendingId)).status).toBe(Status.CANCELLED);
    await expect.poll(() => main().locator('tbody tr').count()).toBe(1);
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

  it('labels every control and keeps keyboard focus visible', async () => {
    for (const route of ['#/', '#/commands', '#/workflows', '#/dlq', `#/commands/${seeded.pendingId}`]) {
      await open(route);
      await main().locator('h1').waitFor();
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
