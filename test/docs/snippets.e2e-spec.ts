/**
 * The code on the documentation pages is the compiled code: every TypeScript block of docs/*.md, of
 * the root README.md and of the sample's README is a file under docs/snippets/, which `npm run typecheck` compiles, embedded between markers:
 *
 *   <!-- snippet: docs/snippets/<page>/<name>.ts -->
 *   ```ts
 *   …the file, verbatim…
 *   ```
 *   <!-- /snippet -->
 *
 * These tests fail when a page and its files drift apart. `npx tsx docs/tools/sync-snippets.ts`
 * copies the files into the pages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = join(ROOT, 'docs');
const SNIPPETS = join(DOCS, 'snippets');
/** Helpers the examples import without showing them; every other snippet must appear on a page. */
const UNSHOWN = join(SNIPPETS, 'shared');
const FIX = 'edit the .ts file, then run `npx tsx docs/tools/sync-snippets.ts`';

const OPEN = /^<!-- snippet: (\S+) -->$/;
const CLOSE = '<!-- /snippet -->';
const TS_FENCE = /^```(ts|typescript|tsx)\s*$/;

/** One embedded snippet: where it is, which file it names, and the code between its fences. */
interface Embedded {
  page: string;
  line: number;
  file: string;
  code: string | undefined;
}

function filesUnder(dir: string, suffix: string, skip: (path: string) => boolean = () => false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (skip(path)) return [];
    if (entry.isDirectory()) return filesUnder(path, suffix, skip);
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

/** The READMEs a newcomer reads first; sync-snippets.ts updates the same list. */
const READMES = ['README.md', join('apps', 'sample', 'README.md')];
const pages = [...filesUnder(DOCS, '.md', (path) => path === SNIPPETS).map((path) => relative(ROOT, path)), ...READMES];

/**
 * Reads a page's snippets, and collects what is malformed: a marker without its fenced block or its
 * closing marker, a stray closing marker, and a TypeScript block outside any marker that does not
 * say on its first line that it is not compiled.
 */
function parse(page: string): { embedded: Embedded[]; problems: string[] } {
  const lines = readFileSync(join(ROOT, page), 'utf8').split('\n');
  const embedded: Embedded[] = [];
  const problems: string[] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const at = `${page}:${i + 1}`;
    if (fence !== null) {
      if (line.startsWith(fence) && line.trim() === fence) fence = null;
      continue;
    }
    const open = OPEN.exec(line);
    if (open) {
      const file = open[1]!;
      const close = lines.indexOf(CLOSE, i + 1);
      const body = close === -1 ? [] : lines.slice(i + 1, close);
      const wellFormed = close !== -1 && body.length >= 2 && TS_FENCE.test(body[0]!) && body.at(-1) === '```' && !body.slice(1, -1).some((l) => OPEN.test(l));
      if (!wellFormed) problems.push(`${at}: the snippet marker for ${file} must be followed by one \`\`\`ts block and ${CLOSE}`);
      embedded.push({ page, line: i + 1, file, code: wellFormed ? body.slice(1, -1).join('\n') : undefined });
      if (close !== -1) i = close;
      continue;
    }
    if (line.trim() === CLOSE) {
      problems.push(`${at}: ${CLOSE} without an opening marker`);
      continue;
    }
    const fenceOpen = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(line);
    if (fenceOpen) {
      fence = fenceOpen[2]!;
      if (TS_FENCE.test(`\`\`\`${fenceOpen[3]!.trim()}`) && !/^\s*\/\/ not compiled/.test(lines[i + 1] ?? '')) {
        problems.push(`${at}: a TypeScript block outside snippet markers; make it a file under docs/snippets/, or begin it with "// not compiled: <why>"`);
      }
    }
  }
  return { embedded, problems };
}

const parsed = pages.map(parse);
const embedded = parsed.flatMap((p) => p.embedded);

describe('documentation snippets', () => {
  it('finds the pages and their snippets', () => {
    expect(pages).toContain(join('docs', 'getting-started.md'));
    expect(embedded.length).toBeGreaterThan(0);
    expect(embedded.filter((e) => e.page === 'README.md').map((e) => e.file)).toEqual([
      'docs/snippets/getting-started/readme-quick-start.ts',
      'docs/snippets/operations/readme-dashboard.module.ts',
    ]);
  });

  it.each(pages)('%s has only well-formed snippet blocks', (page) => {
    expect(parsed[pages.indexOf(page)]!.problems).toEqual([]);
  });

  it.each(pages)('%s embeds existing snippet files, verbatim', (page) => {
    const mismatches: string[] = [];
    for (const snippet of embedded.filter((e) => e.page === page)) {
      const where = `${snippet.page}:${snippet.line} (${snippet.file})`;
      if (!snippet.file.startsWith('docs/snippets/') || !snippet.file.endsWith('.ts')) {
        mismatches.push(`${where}: snippets are .ts files under docs/snippets/`);
        continue;
      }
      const path = join(ROOT, ...snippet.file.split('/'));
      if (!existsSync(path)) {
        mismatches.push(`${where}: the file does not exist`);
        continue;
      }
      const source = readFileSync(path, 'utf8').replace(/\n+$/, '');
      if (snippet.code !== undefined && snippet.code !== source) {
        const sourceLines = source.split('\n');
        const pageLines = snippet.code.split('\n');
        const first = sourceLines.findIndex((l, n) => l !== pageLines[n]);
        const n = first === -1 ? Math.min(sourceLines.length, pageLines.length) : first;
        mismatches.push(
          `${where}: the page differs from the file at line ${n + 1} of the snippet\n` +
            `  file: ${JSON.stringify(sourceLines[n] ?? '<end>')}\n  page: ${JSON.stringify(pageLines[n] ?? '<end>')}\n  (${FIX})`,
        );
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('shows every snippet file on some page', () => {
    const shown = new Set(embedded.map((e) => e.file));
    const files = filesUnder(SNIPPETS, '.ts', (path) => path === UNSHOWN).map((path) => relative(ROOT, path).split(sep).join('/'));
    expect(files.filter((file) => !shown.has(file))).toEqual([]);
  });
});
