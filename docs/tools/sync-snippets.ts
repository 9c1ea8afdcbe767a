/*
 * Copies every compiled snippet into the pages that embed it: docs/*.md and the READMEs.
 *
 *   npx tsx docs/tools/sync-snippets.ts
 *
 * A page embeds docs/snippets/<page>/<name>.ts between two markers:
 *
 *   <!-- snippet: docs/snippets/<page>/<name>.ts -->
 *   ```ts
 *   …the file, verbatim…
 *   ```
 *   <!-- /snippet -->
 *
 * Edit the .ts file (which `npm run typecheck` compiles), run this, and commit both.
 * test/docs/snippets.e2e-spec.ts fails whenever a page and its snippets disagree.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCS = join(ROOT, 'docs');
const BLOCK = /(<!-- snippet: (\S+) -->\n)[\s\S]*?(<!-- \/snippet -->)/g;

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'snippets' ? [] : pages(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** The pages with compiled snippets: every page of docs/, and the READMEs that show code. */
const PAGES = [...pages(DOCS), join(ROOT, 'README.md'), join(ROOT, 'apps', 'sample', 'README.md')];

let changed = 0;
for (const page of PAGES) {
  const before = readFileSync(page, 'utf8');
  const after = before.replace(BLOCK, (_match, open: string, file: string, close: string) => {
    const source = join(ROOT, file);
    if (!existsSync(source)) throw new Error(`${relative(ROOT, page)} embeds ${file}, which does not exist`);
    const code = readFileSync(source, 'utf8').replace(/\n+$/, '');
    return `${open}\`\`\`ts\n${code}\n\`\`\`\n${close}`;
  });
  if (after !== before) {
    writeFileSync(page, after);
    changed += 1;
    console.log(`updated ${relative(ROOT, page)}`);
  }
}
console.log(changed ? `${changed} page(s) updated` : 'every page is up to date');
