import { mkdir, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { DASHBOARD_BUILD_DIR } from '../src/nest/dashboard/durex-dashboard.files.js';

/*
 * Bundles the dashboard's browser code (libs/durex/ui) into the script and styles that
 * DurexDashboardModule serves. Run by `npm run build:lib` and, before any test, by the Vitest global
 * setup, so the built files are never committed and never stale.
 */

/** The browser entry point; it imports the styles, which esbuild writes beside the script. */
const ENTRY = new URL('../ui/main.ts', import.meta.url);

/** Browsers the bundle is written for: every evergreen browser of the last few years. */
const TARGETS = ['chrome111', 'edge111', 'firefox114', 'safari16.4'];

/**
 * Builds `dashboard.js` and `dashboard.css` into {@link DASHBOARD_BUILD_DIR}. Each file is written
 * beside its place and renamed over it, so an application or test reading them meanwhile (another
 * test run in the same checkout) sees the old file or the new one, never half of one.
 */
export async function buildDashboard(): Promise<void> {
  const { outputFiles } = await build({
    entryPoints: { dashboard: fileURLToPath(ENTRY) },
    outdir: DASHBOARD_BUILD_DIR,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: TARGETS,
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
  });
  await mkdir(DASHBOARD_BUILD_DIR, { recursive: true });
  for (const file of outputFiles) {
    const partial = `${file.path}.${process.pid}.partial`;
    await writeFile(partial, file.contents);
    await rename(partial, file.path);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildDashboard();
