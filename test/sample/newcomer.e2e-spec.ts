import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import { anOrder } from './sample-app.js';

const run = promisify(execFile);
const REPOSITORY = resolve(import.meta.dirname, '../..');

/**
 * What a newcomer does: clone the repository as committed, run the README's first command, open the
 * URL it prints, place an order. It installs every dependency from the registry (`npm ci`), so it
 * takes a few minutes; it is part of every `npm test` because a README that does not work is a bug.
 */
describe('a newcomer following the README', () => {
  let directory: string;
  let service: ChildProcess | undefined;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'durex-newcomer-'));
    await run('git', ['clone', '--quiet', REPOSITORY, join(directory, 'durex')]);
  });

  afterAll(async () => {
    await stop(service);
    await rm(directory, { recursive: true, force: true });
  });

  it(
    'starts the sample with the first command of the README and gets an order COMPLETED',
    async () => {
      const checkout = join(directory, 'durex');
      const command = firstCommand(await readFile(join(checkout, 'README.md'), 'utf8'));
      expect(command).toMatch(/\bnpm start\b/);

      const port = await freePort();
      // The sample's defaults, as on a newcomer's machine (SQLite, no admin token), on a free port;
      // the rest of the environment (PATH, HOME, a registry proxy) is kept, and colours are off.
      const { DATABASE_URL: _url, ADMIN_TOKEN: _token, HOST: _host, SQLITE_FILE: _file, ...inherited } = process.env;
      const env: NodeJS.ProcessEnv = { ...inherited, PORT: String(port), NO_COLOR: '1' };
      // Its own process group, so the npm, shell and node processes it starts stop together.
      service = spawn('sh', ['-c', command], { cwd: checkout, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      service.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      service.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

      const url = await waitFor(() => /Orders API\s+(http:\/\/localhost:\d+\/orders)/.exec(output)?.[1], {
        timeout: 7 * 60_000,
        interval: 250,
        description: `the README's first command (${command}) printing the orders URL; its output so far:\n${output.slice(-2_000)}`,
      });
      expect(url).toBe(`http://localhost:${port}/orders`);
      // The dashboard's line follows the API's; the page is served, unguarded as on a newcomer's machine.
      const dashboard = await waitFor(() => /Dashboard\s+(http:\/\/localhost:\d+\/\S*)/.exec(output)?.[1], {
        timeout: 10_000,
        interval: 50,
        description: `the dashboard URL in the output:\n${output.slice(-2_000)}`,
      });
      expect(dashboard).toBe(`http://localhost:${port}/durex/ui/`);
      const page = await fetch(dashboard);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      // SQLite, in the folder the command ran in.
      expect(existsSync(join(checkout, 'durex.db'))).toBe(true);

      const placed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(anOrder()) });
      expect(placed.status).toBe(202);
      const { id } = (await placed.json()) as { id: string };
      const order = await waitFor(
        async () => {
          const current = (await (await fetch(`${url}/${id}`)).json()) as { status: string };
          return current.status === 'COMPLETED' ? current : undefined;
        },
        { timeout: 30_000, interval: 100, description: `order ${id} COMPLETED` },
      );
      expect(order.status).toBe('COMPLETED');
    },
    8 * 60_000,
  );
});

/** The first command of the README's first shell block, without its comment. */
function firstCommand(readme: string): string {
  const block = /```(?:bash|sh)\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const line = block.split('\n').find((text) => text.trim() && !text.trim().startsWith('#')) ?? '';
  return line.replace(/\s+#.*$/, '').trim();
}

/** Stops the process group of the service, and waits for its shell to exit. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}
