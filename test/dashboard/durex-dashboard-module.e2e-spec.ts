import { type CanActivate, Injectable, Module } from '@nestjs/common';
import { InvalidOptionsError } from 'nestjs-durex';
import { DurexAdminModule } from 'nestjs-durex/admin';
import { DurexDashboardModule, type DurexDashboardModuleOptions, type DurexDashboardOptionsFactory } from 'nestjs-durex/dashboard';
import { type DashboardApp, startDashboardApp } from './dashboard-app.js';

/** Refuses with 403, like a role check that fails. */
@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

/** Options from "configuration", for registerAsync. */
@Injectable()
class DashboardConfig implements DurexDashboardOptionsFactory {
  createDurexDashboardOptions(): DurexDashboardModuleOptions {
    return { title: 'Orders <production>', refreshInterval: 15_000 };
  }
}

@Module({ providers: [DashboardConfig], exports: [DashboardConfig] })
class DashboardConfigModule {}

const UNPROTECTED = /the durex dashboard at \/durex\/ui has no guard.*DurexDashboardModule\.register\(\{ path: 'durex\/ui', guard: AdminGuard \}\)/;

describe('DurexDashboardModule', () => {
  let running: DashboardApp | undefined;

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  const get = (path: string) => fetch(`${running!.origin}${path}`, { redirect: 'manual' });

  it('serves the page at its folder under the global prefix, with its files and the API relative to it', async () => {
    running = await startDashboardApp();
    const page = await get('/api/durex/ui/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="dashboard.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="dashboard.css">');
    // From /api/durex/ui/, '../../durex/' is /api/durex/: the admin API under the same prefix.
    expect(html).toContain('data-api-base="../../durex/"');
    expect(html).toContain('data-refresh-interval="5000"');
    expect(html).not.toMatch(/(?:src|href)="\//);

    const script = await get('/api/durex/ui/dashboard.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await script.text()).length).toBeGreaterThan(10_000);
    const styles = await get('/api/durex/ui/dashboard.css');
    expect(styles.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await styles.text()).toContain('.status-card');
    expect((await get('/api/durex/stats')).status).toBe(200);
  });

  it('redirects the page without its trailing slash to its folder, relatively, keeping the query', async () => {
    running = await startDashboardApp();
    const bare = await get('/api/durex/ui');
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('ui/');
    const withQuery = await get('/api/durex/ui?from=alert');
    expect(withQuery.headers.get('location')).toBe('ui/?from=alert');
  });

  it('mounts at any path with any apiPath, and registerAsync takes the title and refresh interval from a factory', async () => {
    running = await startDashboardApp({
      admin: DurexAdminModule.register({ path: 'ops/queue' }),
      dashboard: DurexDashboardModule.registerAsync({ path: '/console/', apiPath: 'ops/queue', imports: [DashboardConfigModule], useExisting: DashboardConfig }),
    });
    expect((await get('/api/durex/ui/')).status).toBe(404);
    const html = await (await get('/api/console/')).text();
    expect(html).toContain('data-api-base="../ops/queue/"');
    expect(html).toContain('data-refresh-interval="15000"');
    // The title is text, never markup.
    expect(html).toContain('<title>Orders &#60;production&#62;</title>');
    expect(html).not.toContain('<production>');
  });

  it('guards the page and its files, and warns once at startup when there is no guard', async () => {
    running = await startDashboardApp({ dashboard: DurexDashboardModule.register({ guard: DenyGuard }) });
    expect((await get('/api/durex/ui/')).status).toBe(403);
    expect((await get('/api/durex/ui/dashboard.js')).status).toBe(403);
    expect(running.logger.of('DurexDashboard')).toEqual([]);
    await running.app.close();

    running = await startDashboardApp();
    const warnings = running.logger.of('DurexDashboard').filter((line) => line.level === 'warn');
    expect(warnings.map((line) => line.message)).toEqual([expect.stringMatching(UNPROTECTED)]);
  });

  it.each([
    ['an empty path', { path: '//' }, "DurexDashboardModule path: must be a non-empty route prefix such as 'durex' or 'ops/durex', got \"//\""],
    ['an empty apiPath', { apiPath: '' }, 'DurexDashboardModule apiPath: must be a non-empty route prefix'],
    ['a guard that is not one', { guard: 'admin' }, 'DurexDashboardModule guard: must be a CanActivate class or an object with a canActivate() method, got string'],
  ])('rejects %s when registered, naming the option', (_description, options, message) => {
    const register = () => DurexDashboardModule.register(options as Parameters<typeof DurexDashboardModule.register>[0]);
    expect(register).toThrow(InvalidOptionsError);
    expect(register).toThrow(message);
  });

  it.each([
    ['a refresh interval under a second', { refreshInterval: 100 }, 'DurexDashboardModule refreshInterval: must be a whole number of milliseconds of at least 1000, got 100'],
    ['a blank title', { title: ' ' }, 'DurexDashboardModule title: must be a non-empty string, got " "'],
  ])('fails at startup on %s, naming the option', async (_description, options, message) => {
    await expect(startDashboardApp({ dashboard: DurexDashboardModule.register(options) })).rejects.toThrow(message);
  });
});
