import { buildDashboard } from '../../libs/durex/scripts/dashboard.build.js';

/**
 * Builds the dashboard's script and styles before any test, so that a fresh clone's `npm test`
 * serves the page from what its sources say now (the built files are never committed).
 */
export default async function setup(): Promise<void> {
  await buildDashboard();
}
