import type { CommandFilter } from './api.client.js';
import type { InstanceView } from './api.types.js';
import { confirmAction } from './confirm.dialog.js';
import { h } from './dom.js';
import { count, dateTime, relative, shortId } from './format.js';
import { cancelButton } from './instance.actions.js';
import { type Page, type PageContext, routeHref } from './page.js';
import { pagerNav, spanText } from './pager.nav.js';
import { STATUS_ORDER, isActive, isStatus, statusBadge, statusLabel } from './status.badge.js';

/** Instances per page of the list. */
const PAGE_SIZE = 25;

/** The text filters of the form, in its order: query key, label, hint. */
const TEXT_FILTERS = [
  ['name', 'Command', 'Exact command name'],
  ['tag', 'Tag', 'Instances carrying this tag'],
  ['correlationId', 'Correlation id', 'One workflow'],
  ['q', 'Id starts with', 'The first characters of an id'],
] as const;

type FilterKey = 'status' | (typeof TEXT_FILTERS)[number][0];

/** The list of instances, filtered by status, name, tag, correlation id and id prefix, and paged. */
export const commandsPage: Page = async (context) => {
  const { api, query, signal } = context;
  const filter = readFilter(query);
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);
  const [page, stats] = await Promise.all([api.commands({ ...filter, limit: PAGE_SIZE, offset }, signal), api.stats(signal)]);
  const href = (next: number) => routeHref('/commands', { ...filter, offset: next || undefined });

  return {
    title: 'Commands',
    content: h(
      'div',
      { class: 'page commands' },
      h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Commands'), h('p', { class: 'meta' }, `${spanText(page, 'instances')}.`))),
      filterForm(context, filter, Object.keys(stats.byName).sort()),
      filter.tag ? cancelTagButton(context, filter.tag) : null,
      page.items.length ? instanceTable(context, page.items) : h('p', { class: 'panel empty-note' }, 'No instance matches these filters. ', h('a', { href: '#/commands' }, 'Clear the filters')),
      page.total > PAGE_SIZE ? pagerNav(page, 'Pages of instances', href) : null,
    ),
  };
};

function readFilter(query: URLSearchParams): CommandFilter {
  const filter: CommandFilter = {};
  const status = query.get('status');
  if (status && isStatus(status)) filter.status = status;
  for (const [key] of TEXT_FILTERS) {
    const value = query.get(key)?.trim();
    if (value) filter[key] = value;
  }
  return filter;
}

function filterForm(context: PageContext, filter: CommandFilter, names: string[]): HTMLFormElement {
  const field = (key: FilterKey, label: string, control: HTMLElement, hint?: string) =>
    h('div', { class: 'field' }, h('label', { for: `filter-${key}` }, label), control, hint ? h('span', { class: 'hint', id: `filter-${key}-hint` }, hint) : null);
  const status = h(
    'select',
    { id: 'filter-status', name: 'status' },
    h('option', { value: '' }, 'Any status'),
    STATUS_ORDER.map((value) => h('option', { value, selected: filter.status === value }, statusLabel(value))),
  );
  const form = h(
    'form',
    {
      class: 'panel filters',
      role: 'search',
      'aria-label': 'Filter instances',
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(form);
        context.navigate(routeHref('/commands', Object.fromEntries([...data.entries()].map(([key, value]) => [key, String(value).trim()]))));
      },
    },
    field('status', 'Status', status),
    TEXT_FILTERS.map(([key, label, hint]) =>
      field(
        key,
        label,
        h('input', {
          id: `filter-${key}`,
          name: key,
          type: 'search',
          value: filter[key] ?? '',
          autocomplete: 'off',
          spellcheck: 'false',
          list: key === 'name' ? 'command-names' : null,
          'aria-describedby': `filter-${key}-hint`,
        }),
        hint,
      ),
    ),
    h('datalist', { id: 'command-names' }, names.map((name) => h('option', { value: name }))),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Apply filters'), h('a', { class: 'button', href: '#/commands' }, 'Clear')),
  );
  return form;
}

function cancelTagButton(context: PageContext, tag: string): HTMLElement {
  const button = h(
    'button',
    {
      type: 'button',
      class: 'button danger',
      onclick: async () => {
        const confirmed = await confirmAction({
          title: `Cancel everything tagged ${tag}?`,
          body: `Every pending, started or repeating instance carrying the tag "${tag}" is cancelled and will not run again. Finished ones are not touched.`,
          confirm: 'Cancel by tag',
        });
        if (!confirmed) return;
        await context.act(async () => {
          const { cancelled } = await context.api.cancelByTag(tag);
          return `Cancelled ${count(cancelled)} active ${cancelled === 1 ? 'instance' : 'instances'} tagged ${tag}.`;
        });
      },
    },
    `Cancel all active tagged ${tag}`,
  );
  return h('div', { class: 'bulk-actions' }, button);
}

/** The instances as a table; on narrow screens each row becomes a card (see the styles). */
export function instanceTable(context: PageContext, items: readonly InstanceView[], caption = 'Command instances'): HTMLTableElement {
  const cell = (label: string, ...content: (Node | string | null)[]) => h('td', { 'data-label': label }, ...content);
  return h(
    'table',
    { class: 'table instances' },
    h('caption', { class: 'visually-hidden' }, caption),
    h(
      'thead',
      null,
      h('tr', null, ['Instance', 'Command', 'Status', 'Attempt', 'Created', 'Finished', 'Tags'].map((name) => h('th', { scope: 'col' }, name)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions'))),
    ),
    h(
      'tbody',
      null,
      items.map((instance) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row', 'data-label': 'Instance' }, h('a', { class: 'mono', href: `#/commands/${encodeURIComponent(instance.id)}`, title: instance.id, 'aria-label': `${instance.name} ${instance.id}` }, shortId(instance.id))),
          cell('Command', instance.name),
          cell('Status', statusBadge(instance.status)),
          cell('Attempt', attemptText(instance)),
          cell('Created', h('time', { datetime: instance.createdAt, title: dateTime(instance.createdAt) }, relative(instance.createdAt, context.now))),
          cell('Finished', instance.completedAt ? h('time', { datetime: instance.completedAt, title: dateTime(instance.completedAt) }, relative(instance.completedAt, context.now)) : '—'),
          cell('Tags', instance.tags.length ? h('span', { class: 'tags' }, instance.tags.map((tag) => h('a', { class: 'tag', href: routeHref('/commands', { tag }) }, tag))) : '—'),
          h('td', { class: 'actions' }, isActive(instance.status) ? cancelButton(context, instance) : null),
        ),
      ),
    ),
  );
}

/** "2 of 4": the attempt, of all the attempts its retry budget allows. */
function attemptText(instance: InstanceView): string {
  return instance.attempt ? `${instance.attempt} of ${instance.maxRetries + 1}` : '—';
}
