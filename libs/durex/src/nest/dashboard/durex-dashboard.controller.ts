import { Controller, Get, HttpStatus, Inject, Req, Res, type Type, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { DurexAdminGuard } from '../admin/interfaces/durex-admin-module-options.interface.js';
import { DASHBOARD_SCRIPT, DASHBOARD_STYLES, DUREX_DASHBOARD_FILES } from './durex-dashboard.constants.js';
import type { DashboardFiles } from './durex-dashboard.files.js';
import { DASHBOARD_CSP } from './durex-dashboard.page.js';

/** Headers of every dashboard response: revalidate on each load (the ETag makes that cheap), never sniff. */
const COMMON_HEADERS = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' } as const;

/**
 * Serves the dashboard: the page and its two bundled files. Written against the HTTP adapter rather
 * than Express, so it answers the same on any Nest platform.
 */
export class DurexDashboardController {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(DUREX_DASHBOARD_FILES) private readonly files: DashboardFiles,
  ) {}

  @Get()
  page(@Req() request: unknown, @Res() response: unknown): void {
    const { httpAdapter } = this.adapterHost;
    const [path = '', query] = String(httpAdapter.getRequestUrl(request)).split(/\?(.*)/s);
    // The page loads its files and calls the API by URLs relative to its folder, so it must be
    // served with a trailing slash. The redirect is relative too: it holds behind any prefix or proxy.
    if (!path.endsWith('/')) {
      const folder = `${path.slice(path.lastIndexOf('/') + 1)}/`;
      httpAdapter.redirect(response, HttpStatus.FOUND, query === undefined ? folder : `${folder}?${query}`);
      return;
    }
    this.send(response, 'text/html; charset=utf-8', this.files.page, {
      'Content-Security-Policy': DASHBOARD_CSP,
      'Referrer-Policy': 'no-referrer',
    });
  }

  @Get(DASHBOARD_SCRIPT)
  script(@Res() response: unknown): void {
    this.send(response, 'text/javascript; charset=utf-8', this.files.script);
  }

  @Get(DASHBOARD_STYLES)
  styles(@Res() response: unknown): void {
    this.send(response, 'text/css; charset=utf-8', this.files.styles);
  }

  private send(response: unknown, contentType: string, body: string, headers: Record<string, string> = {}): void {
    const { httpAdapter } = this.adapterHost;
    for (const [name, value] of Object.entries({ 'Content-Type': contentType, ...COMMON_HEADERS, ...headers })) {
      httpAdapter.setHeader(response, name, value);
    }
    httpAdapter.reply(response, body, HttpStatus.OK);
  }
}

/**
 * The dashboard controller of one registration: {@link DurexDashboardController} under `path`,
 * behind `guard` when one is given (a class per registration, as for the admin API).
 */
export function createDurexDashboardController(path: string, guard: DurexAdminGuard | undefined): Type<DurexDashboardController> {
  @Controller(path)
  class MountedDurexDashboardController extends DurexDashboardController {}
  if (guard) UseGuards(guard)(MountedDurexDashboardController);
  Object.defineProperty(MountedDurexDashboardController, 'name', { value: DurexDashboardController.name });
  return MountedDurexDashboardController;
}
