import { h } from './dom.js';
import { count } from './format.js';

/** A page of a list: where it starts, how long pages are, how many items there are in all. */
export interface PageSpan {
  total: number;
  limit: number;
  offset: number;
}

/** "Showing 26–50 of 230". */
export function spanText({ total, limit, offset }: PageSpan, noun: string): string {
  if (!total) return `No ${noun}`;
  return `Showing ${count(offset + 1)}–${count(Math.min(offset + limit, total))} of ${count(total)} ${noun}`;
}

/**
 * Previous and next links for a paged list; `href(offset)` makes the link of a page. A link with
 * nowhere to go is shown disabled (and skipped by the keyboard) rather than removed, so the controls
 * do not move.
 */
export function pagerNav(span: PageSpan, label: string, href: (offset: number) => string): HTMLElement {
  const { total, limit, offset } = span;
  const pages = Math.max(1, Math.ceil(total / limit));
  const current = Math.floor(offset / limit) + 1;
  const link = (text: string, target: number | undefined, rel: string) =>
    target === undefined
      ? h('span', { class: 'button disabled', 'aria-disabled': 'true' }, text)
      : h('a', { class: 'button', href: href(target), rel, 'data-key': `pager:${rel}` }, text);
  return h(
    'nav',
    { class: 'pager', 'aria-label': label },
    link('← Previous', offset > 0 ? Math.max(0, offset - limit) : undefined, 'prev'),
    h('span', { class: 'pager-position' }, `Page ${count(current)} of ${count(pages)}`),
    link('Next →', offset + limit < total ? offset + limit : undefined, 'next'),
  );
}
