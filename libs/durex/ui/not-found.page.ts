import { h } from './dom.js';
import type { Page } from './page.js';

/** What a mistyped or outdated link shows: where it pointed, and the way back. */
export const notFoundPage: Page = async ({ params }) => ({
  title: 'Not found',
  content: h(
    'section',
    { class: 'panel empty' },
    h('h1', null, 'No such page'),
    h('p', null, 'The dashboard has no page at ', h('code', null, `#${params.path ?? ''}`), '.'),
    h('a', { class: 'button', href: '#/' }, 'Go to the overview'),
  ),
});
