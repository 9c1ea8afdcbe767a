import { WORKFLOW_LIMIT } from './api.client.js';
import type { InstanceView } from './api.types.js';
import { h, s } from './dom.js';
import { count, dateTime, duration, relative, shortId } from './format.js';
import { type Page, type PageContext, routeHref } from './page.js';
import { STATUS_ORDER, statusBadge, statusClass } from './status.badge.js';
import { loadHistories } from './workflow.histories.js';
import { type Relation, type WorkflowNode, buildWorkflowTree, parentsToExplain } from './workflow.tree.js';

/** How the tree names each relation between an instance and its parent. */
const RELATION_LABELS: Record<Relation, string> = {
  root: 'root',
  step: 'sequence step',
  compensation: 'compensation',
  expiry: 'on expiry',
  spawn: 'spawned',
};

/** How many recent instances the workflow index looks through for correlation ids. */
const RECENT = 100;

/** The link to one workflow's tree. */
export function workflowHref(correlationId: string): string {
  return `#/workflows/${encodeURIComponent(correlationId)}`;
}

/** The workflow index: open one by correlation id, or pick one of the recent ones. */
export const workflowsPage: Page = async (context) => {
  const recent = await context.api.commands({ limit: RECENT, order: 'desc' }, context.signal);
  const workflows = new Map<string, { name: string; latest: string; instances: number }>();
  // Newest first: the last instance seen of a workflow is its oldest, most likely its root.
  for (const instance of recent.items) {
    if (!instance.correlationId) continue;
    const known = workflows.get(instance.correlationId);
    workflows.set(instance.correlationId, { name: instance.name, latest: known?.latest ?? instance.createdAt, instances: (known?.instances ?? 0) + 1 });
  }
  const input = h('input', { id: 'workflow-id', name: 'correlationId', type: 'search', required: true, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'workflow-id-hint' });
  const form = h(
    'form',
    {
      class: 'panel filters',
      role: 'search',
      'aria-label': 'Open a workflow',
      onsubmit: (event) => {
        event.preventDefault();
        if (input.value.trim()) context.navigate(workflowHref(input.value.trim()));
      },
    },
    h('div', { class: 'field wide' }, h('label', { for: 'workflow-id' }, 'Correlation id'), input, h('span', { class: 'hint', id: 'workflow-id-hint' }, "A workflow's root instance id, unless it was given its own")),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Show workflow')),
  );
  const list = workflows.size
    ? h(
        'table',
        { class: 'table instances' },
        h('caption', { class: 'visually-hidden' }, 'Recent workflows'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Workflow'), h('th', { scope: 'col' }, 'Correlation id'), h('th', { scope: 'col', class: 'numeric' }, 'Recent instances'), h('th', { scope: 'col' }, 'Latest activity'))),
        h(
          'tbody',
          null,
          [...workflows].map(([correlationId, workflow]) =>
            h(
              'tr',
              null,
              h('th', { scope: 'row', 'data-label': 'Workflow' }, h('a', { href: workflowHref(correlationId) }, workflow.name)),
              h('td', { 'data-label': 'Correlation id', class: 'mono' }, correlationId),
              h('td', { 'data-label': 'Recent instances', class: 'numeric' }, count(workflow.instances)),
              h('td', { 'data-label': 'Latest activity' }, h('time', { datetime: workflow.latest, title: dateTime(workflow.latest) }, relative(workflow.latest, context.now))),
            ),
          ),
        ),
      )
    : h('p', { class: 'empty-note' }, 'No instances yet.');
  return {
    title: 'Workflows',
    content: h(
      'div',
      { class: 'page workflows' },
      h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Workflows'), h('p', { class: 'meta' }, 'Every instance of a workflow shares its correlation id.'))),
      form,
      h('section', { class: 'panel', 'aria-labelledby': 'recent-workflows' }, h('h2', { id: 'recent-workflows' }, 'Recent workflows'), h('p', { class: 'meta' }, `From the ${RECENT} newest instances.`), list),
    ),
  };
};

/** One workflow: its instances as a tree of sequence steps, spawns and compensations, with their statuses. */
export const workflowPage: Page = async (context) => {
  const correlationId = context.params.correlationId!;
  const { items, total } = await context.api.workflow(correlationId, context.signal);
  const histories = await loadHistories(parentsToExplain(items), (id) => context.api.command(id, context.signal));
  const roots = buildWorkflowTree(items, histories);
  const span = timeSpan(items, context.now);
  const counts = new Map<string, number>();
  for (const instance of items) counts.set(instance.status, (counts.get(instance.status) ?? 0) + 1);
  const title = roots[0] ? `Workflow ${roots[0].instance.name}` : 'Workflow';

  const summary = h(
    'dl',
    { class: 'details compact' },
    detail('Correlation id', h('span', { class: 'mono' }, correlationId)),
    detail('Instances', total > items.length ? `${count(items.length)} shown of ${count(total)}` : count(total)),
    detail('Statuses', h('span', { class: 'badges' }, STATUS_ORDER.filter((status) => counts.has(status)).map((status) => h('span', { class: 'badge-count' }, statusBadge(status), ` ${counts.get(status)}`)))),
    detail('Started', span ? dateTime(new Date(span.start).toISOString()) : '—'),
    detail('Span', span ? `${duration(span.end - span.start)}${items.some((instance) => !instance.completedAt) ? ' so far' : ''}` : '—'),
  );

  return {
    title,
    content: h(
      'div',
      { class: 'page workflow' },
      h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/workflows' }, 'Workflows'), h('span', { 'aria-hidden': 'true' }, ' › '), h('span', { 'aria-current': 'page' }, shortId(correlationId))),
      h('div', { class: 'page-head' }, h('div', null, h('h1', null, title), h('p', { class: 'meta mono' }, correlationId))),
      items.length
        ? [
            h('section', { class: 'panel', 'aria-label': 'Summary' }, summary),
            h(
              'section',
              { class: 'panel', 'aria-labelledby': 'workflow-tree' },
              h('h2', { id: 'workflow-tree' }, 'Tree'),
              h('p', { class: 'meta' }, 'Each instance under the one that created it; the bar places it in the workflow’s time span.'),
              h('ul', { class: 'tree', 'aria-label': `${title} tree` }, roots.map((node) => treeItem(context, node, span))),
              total > WORKFLOW_LIMIT ? h('p', { class: 'meta' }, `Only the first ${count(WORKFLOW_LIMIT)} instances are drawn.`) : null,
            ),
          ]
        : h('p', { class: 'panel empty-note' }, 'No instance carries this correlation id. ', h('a', { href: routeHref('/workflows') }, 'See recent workflows')),
    ),
  };
};

function detail(term: string, value: Node | string): HTMLElement[] {
  return [h('dt', null, term), h('dd', null, value)];
}

/** From the first creation to the last finish (or now, while something is still active). */
function timeSpan(items: readonly InstanceView[], now: number): { start: number; end: number } | undefined {
  if (!items.length) return undefined;
  const start = Math.min(...items.map((instance) => Date.parse(instance.createdAt)));
  const end = Math.max(...items.map((instance) => (instance.completedAt ? Date.parse(instance.completedAt) : now)));
  return { start, end: Math.max(end, start + 1) };
}

function treeItem(context: PageContext, node: WorkflowNode<InstanceView>, span: { start: number; end: number } | undefined): HTMLLIElement {
  const { instance, relation, children } = node;
  const ran = instance.startedAt && instance.completedAt ? `ran ${duration(Date.parse(instance.completedAt) - Date.parse(instance.startedAt))}` : null;
  const when = instance.completedAt ? `finished ${relative(instance.completedAt, context.now)}` : `created ${relative(instance.createdAt, context.now)}`;
  return h(
    'li',
    null,
    h(
      'div',
      { class: `node ${statusClass(instance.status)}` },
      h('span', { class: `relation r-${relation}` }, RELATION_LABELS[relation]),
      statusBadge(instance.status),
      h('a', { class: 'node-name', href: `#/commands/${encodeURIComponent(instance.id)}`, 'aria-label': `${instance.name} ${instance.id}` }, instance.name),
      h('span', { class: 'mono node-id', title: instance.id }, shortId(instance.id)),
      h('span', { class: 'node-time' }, [ran, when].filter(Boolean).join(' · ')),
      span ? spanBar(instance, span, context.now) : null,
    ),
    children.length ? h('ul', null, children.map((child) => treeItem(context, child, span))) : null,
  );
}

/** Where the instance sits in the workflow's time span: from creation to finish (or now). */
function spanBar(instance: InstanceView, span: { start: number; end: number }, now: number): SVGSVGElement {
  const total = span.end - span.start;
  const from = (Date.parse(instance.createdAt) - span.start) / total;
  const to = ((instance.completedAt ? Date.parse(instance.completedAt) : now) - span.start) / total;
  return s(
    'svg',
    { class: 'span-bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    s('rect', { class: 'span-track', width: 100, height: 10, rx: 2 }),
    s('rect', { class: 'span-fill', x: 100 * from, width: Math.max(1, 100 * (to - from)), height: 10, rx: 2 }),
  );
}
