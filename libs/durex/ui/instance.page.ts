import type { InstanceEvent, InstanceView } from './api.types.js';
import { instanceTable } from './commands.page.js';
import { isWaiting } from '../src/core/fan-in.js';
import { h, hidden } from './dom.js';
import { dateTime, duration, relative } from './format.js';
import { cancelButton, replayButton } from './instance.actions.js';
import { type Page, routeHref } from './page.js';
import { isActive, statusBadge } from './status.badge.js';
import { workflowHref } from './workflow.page.js';

/** How each history event reads in the timeline. */
const EVENT_LABELS: Record<string, string> = {
  created: 'Created',
  started: 'Started',
  completed: 'Completed',
  failed: 'Failed',
  retrying: 'Retrying',
  expired: 'Expired',
  cancelled: 'Cancelled',
  repeating: 'Repeating',
  recovered: 'Recovered',
};

/** One instance: its state, data, metadata, error, history timeline, parent and children. */
export const instancePage: Page = async (context) => {
  const id = context.params.id!;
  const [instance, children] = await Promise.all([context.api.command(id, context.signal), context.api.children(id, context.signal)]);
  const actions = [
    isActive(instance.status) ? cancelButton(context, instance) : null,
    instance.status === 'DEAD_LETTER' ? replayButton(context, instance) : null,
    instance.correlationId ? h('a', { class: 'button small', href: workflowHref(instance.correlationId) }, 'View workflow') : null,
  ];

  return {
    title: `${instance.name} ${instance.id}`,
    content: h(
      'div',
      { class: 'page instance' },
      h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/commands' }, 'Commands'), h('span', { 'aria-hidden': 'true' }, ' › '), h('a', { href: routeHref('/commands', { name: instance.name }) }, instance.name), h('span', { 'aria-hidden': 'true' }, ' › '), h('span', { 'aria-current': 'page', class: 'mono' }, instance.id)),
      h(
        'div',
        { class: 'page-head' },
        h('div', null, h('h1', null, instance.name, ' ', statusBadge(instance.status)), h('p', { class: 'meta mono' }, instance.id)),
        h('div', { class: 'head-actions' }, actions),
      ),
      instance.error ? h('section', { class: 'panel callout', 'aria-labelledby': 'instance-error' }, h('h2', { id: 'instance-error' }, 'Error'), h('pre', { class: 'error-text' }, instance.error)) : null,
      h(
        'div',
        { class: 'grid-2 detail-grid' },
        h('section', { class: 'panel', 'aria-labelledby': 'instance-state' }, h('h2', { id: 'instance-state' }, 'Details'), details(instance, context.now)),
        h('section', { class: 'panel', 'aria-labelledby': 'instance-history' }, h('h2', { id: 'instance-history' }, 'History'), timeline(instance.history ?? [])),
      ),
      h(
        'div',
        { class: 'grid-2' },
        h('section', { class: 'panel', 'aria-labelledby': 'instance-data' }, h('h2', { id: 'instance-data' }, 'Data'), json(instance.data)),
        h('section', { class: 'panel', 'aria-labelledby': 'instance-metadata' }, h('h2', { id: 'instance-metadata' }, 'Metadata'), json(instance.metadata)),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'instance-children' },
        h('h2', { id: 'instance-children' }, `Children (${children.total})`),
        children.items.length ? instanceTable(context, children.items, `Children of ${instance.name}`) : h('p', { class: 'empty-note' }, 'This instance created no children.'),
      ),
    ),
  };
};

function details(instance: InstanceView, now: number): HTMLElement {
  const row = (term: string, value: Node | string | null) => [h('dt', null, term), h('dd', null, value ?? '—')];
  const time = (iso: string | null) => (iso ? h('time', { datetime: iso, title: relative(iso, now) }, dateTime(iso)) : null);
  const ran = instance.startedAt && instance.completedAt ? duration(Date.parse(instance.completedAt) - Date.parse(instance.startedAt)) : null;
  return h(
    'dl',
    { class: 'details' },
    row('Attempt', instance.attempt ? `${instance.attempt} of ${instance.maxRetries + 1}` : 'not run yet'),
    row('Retries left', `${instance.retries} of ${instance.maxRetries}`),
    row('Priority', String(instance.priority)),
    row('Created', time(instance.createdAt)),
    row('Ready at', isWaiting({ status: instance.status, readyAt: new Date(instance.readyAt) }) ? 'once the instances it waits for have ended' : time(instance.readyAt)),
    row('Started', time(instance.startedAt)),
    row('Finished', time(instance.completedAt)),
    row('Last run took', ran),
    row('Deadline', time(instance.deadlineAt)),
    row('Timeout', instance.timeout ? duration(instance.timeout) : 'none'),
    instance.period ? row('Repeats every', duration(instance.period)) : null,
    row('Still to run', instance.sequence.length ? instance.sequence.join(' → ') : null),
    row('Parent', instance.parentId ? h('a', { class: 'mono', href: `#/commands/${encodeURIComponent(instance.parentId)}` }, instance.parentId) : 'none (a root)'),
    row('Correlation id', instance.correlationId ? h('a', { class: 'mono', href: workflowHref(instance.correlationId) }, instance.correlationId) : null),
    row('Trace id', instance.traceId ? h('span', { class: 'mono' }, instance.traceId) : null),
    row('Tags', instance.tags.length ? h('span', { class: 'tags' }, instance.tags.map((tag) => h('a', { class: 'tag', href: routeHref('/commands', { tag }) }, tag))) : null),
    row('Unique key', instance.uniqueKey ? h('span', { class: 'mono' }, instance.uniqueKey) : null),
    instance.leaseOwner ? row('Leased by', h('span', null, h('span', { class: 'mono' }, instance.leaseOwner), instance.leaseExpiresAt ? ` until ${dateTime(instance.leaseExpiresAt)}` : '')) : null,
  );
}

/** The history, oldest first, with the time since the previous event and each attempt's run time. */
function timeline(history: readonly InstanceEvent[]): HTMLElement {
  if (!history.length) return h('p', { class: 'empty-note' }, 'No history recorded.');
  return h(
    'ol',
    { class: 'timeline' },
    history.map((event, index) => {
      const previous = history[index - 1];
      const gap = previous ? Date.parse(event.timestamp) - Date.parse(previous.timestamp) : undefined;
      const facts = [event.attempt ? `attempt ${event.attempt}` : null, event.durationMs !== undefined ? `ran ${duration(event.durationMs)}` : null].filter(Boolean);
      return h(
        'li',
        { class: `event e-${event.type}` },
        h('span', { class: 'event-marker', 'aria-hidden': 'true' }),
        h(
          'div',
          { class: 'event-body' },
          h(
            'p',
            { class: 'event-head' },
            h('strong', null, EVENT_LABELS[event.type] ?? event.type),
            ' ',
            h('time', { datetime: event.timestamp }, dateTime(event.timestamp)),
            gap !== undefined ? h('span', { class: 'event-gap' }, ` +${duration(gap)}`, hidden(' since the previous event')) : null,
          ),
          facts.length ? h('p', { class: 'event-facts' }, facts.join(' · ')) : null,
          event.message ? h('p', { class: 'event-message' }, event.message) : null,
          event.error ? h('p', { class: 'event-error' }, event.error) : null,
        ),
      );
    }),
  );
}

function json(value: unknown): HTMLElement {
  const text = JSON.stringify(value, null, 2);
  return text === '{}' ? h('p', { class: 'empty-note' }, 'Empty.') : h('pre', { class: 'json', tabindex: '0' }, text);
}
