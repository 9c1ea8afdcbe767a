import { Controller, Get, Redirect } from '@nestjs/common';
import { DASHBOARD_PATH } from './dashboard.routes.js';

/** Sends a visitor of the server's root to the dashboard, so the bare address is enough. */
@Controller()
export class RootController {
  @Get()
  @Redirect(`${DASHBOARD_PATH}/`, 302)
  root(): void {}
}
