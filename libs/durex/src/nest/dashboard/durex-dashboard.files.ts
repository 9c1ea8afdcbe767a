import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_SCRIPT, DASHBOARD_STYLES } from './durex-dashboard.constants.js';
import { missingAssetsMessage } from './durex-dashboard.messages.js';
import { type DashboardPageSettings, renderDashboardPage } from './durex-dashboard.page.js';

/**
 * Where the dashboard build writes the bundled script and styles.
 *
 * NOTE: `../../../` from this file's folder is the package root both in `src/nest/dashboard/` (tests
 * and type-checking run the sources) and in `dist/nest/dashboard/` (the compiled library), so one
 * relative URL finds the build in either case; `dist/` is what the package publishes.
 */
export const DASHBOARD_BUILD_DIR = fileURLToPath(new URL('../../../dist/ui/', import.meta.url));

/** The three responses of one dashboard registration, ready to send. */
export interface DashboardFiles {
  page: string;
  script: string;
  styles: string;
}

/**
 * Reads the built script and styles and renders the page. Throws, naming the folder and the fix,
 * when the build is missing, so the application fails at startup instead of serving a broken page.
 */
export async function loadDashboardFiles(settings: DashboardPageSettings): Promise<DashboardFiles> {
  const read = (file: string) => readFile(join(DASHBOARD_BUILD_DIR, file), 'utf8');
  const [script, styles] = await Promise.all([read(DASHBOARD_SCRIPT), read(DASHBOARD_STYLES)]).catch((error: unknown) => {
    throw new Error(missingAssetsMessage(DASHBOARD_BUILD_DIR, error instanceof Error ? error.message : String(error)));
  });
  return { page: renderDashboardPage(settings), script, styles };
}
