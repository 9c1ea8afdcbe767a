import { confirmAction } from './confirm.dialog.js';
import { h } from './dom.js';
import { count, dateTime, relative, shortId } from './format.js';
import { replayButton } from './instance.actions.js';
import { type Page, type PageContext, routeHref } from './page.js';
import { pagerNav, spanText } from './pager.nav.js';

const PAGE_SIZE = 25;

/** What a purge can delete: everything, or what failed more than an age ago (younger entries stay). */
const PURGE_AGES = [
  { label: 'All of them', age: '', olderThan: 0 },
  { label: 'Older than 1 hour', age: '1 hour', olderThan: 3_600_000 },
  { label: 'Older than 1 day', age: '1 day', olderThan: 86_400_000 },
  { label: 'Older than 7 days', age: '7 days', olderThan: 604_800_000 },
  { label: 'Older than 30 days', age: '30 days', olderThan: 2_592_000_000 },
] as const;

/** The dead letter queue: what failed for good, with replay, and purge of old entries. */
export const deadLetterPage: Page = async (context) => {
  const { api, query, signal, now } = context;
  const name = query.get('name')?.trim() || undefined;
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);
  const page = await api.deadLetters({ name, limit: PAGE_SIZE, offset }, signal);
  const href = (next: number) => routeHref('/dlq', { name, offset: next || undefined });

  const table = h(
    'table',
    { class: 'table instances' },
    h('caption', { class: 'visually-hidden' }, 'Dead-lettered instances'),
    h('thead', null, h('tr', null, ['Instance', 'Command', 'Failed', 'Attempts', 'Error'].map((column) => h('th', { scope: 'col' }, column)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    h(
      'tbody',
      null,
      page.items.map((instance) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row', 'data-label': 'Instance' }, h('a', { class: 'mono', href: `#/commands/${encodeURIComponent(instance.id)}`, title: instance.id, 'aria-label': `${instance.name} ${instance.id}` }, shortId(instance.id))),
          h('td', { 'data-label': 'Command' }, h('a', { href: routeHref('/dlq', { name: instance.name }) }, instance.name)),
          h('td', { 'data-label': 'Failed' }, instance.completedAt ? h('time', { datetime: instance.completedAt, title: dateTime(instance.completedAt) }, relative(instance.completedAt, now)) : '—'),
          h('td', { 'data-label': 'Attempts' }, String(instance.attempt)),
          h('td', { 'data-label': 'Error', class: 'error-cell' }, instance.error ?? '—'),
          h('td', { class: 'actions' }, replayButton(context, instance)),
        ),
      ),
    ),
  );

  return {
    title: 'Dead letters',
    content: h(
      'div',
      { class: 'page dead-letters' },
      h(
        'div',
        { class: 'page-head' },
        h('div', null, h('h1', null, 'Dead letters'), h('p', { class: 'meta' }, `${spanText(page, 'dead-lettered instances')}${name ? ` of ${name}` : ''}. Replay puts one back in the queue with its full retry budget.`)),
        purgeForm(context),
      ),
      name ? h('p', null, `Showing ${name} only. `, h('a', { href: '#/dlq' }, 'Show every command')) : null,
      page.items.length ? table : h('p', { class: 'panel empty-note' }, 'The dead letter queue is empty.'),
      page.total > PAGE_SIZE ? pagerNav(page, 'Pages of dead letters', href) : null,
    ),
  };
};

function purgeForm(context: PageContext): HTMLFormElement {
  const age = h('select', { id: 'purge-age' }, PURGE_AGES.map((option, index) => h('option', { value: String(index) }, option.label)));
  return h(
    'form',
    {
      class: 'purge',
      'aria-label': 'Purge the dead letter queue',
      onsubmit: async (event) => {
        event.preventDefault();
        const choice = PURGE_AGES[Number(age.value)] ?? PURGE_AGES[0];
        const confirmed = await confirmAction({
          title: 'Purge dead letters?',
          body:
            choice.olderThan === 0
              ? 'Every dead-lettered instance is deleted with its history. This cannot be undone.'
              : `Dead-lettered instances that failed more than ${choice.age} ago are deleted with their history. This cannot be undone.`,
          confirm: 'Purge',
        });
        if (!confirmed) return;
        await context.act(async () => {
          const { purged } = await context.api.purge(choice.olderThan);
          return `Purged ${count(purged)} dead-lettered ${purged === 1 ? 'instance' : 'instances'}.`;
        });
      },
    },
    h('div', { class: 'field inline' }, h('label', { for: 'purge-age' }, 'Dead letters to purge'), age),
    h('button', { type: 'submit', class: 'button danger' }, 'Purge…'),
  );
}
