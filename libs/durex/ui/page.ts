import type { ApiClient } from './api.client.js';

/** What a page gets to render itself. */
export interface PageContext {
  api: ApiClient;
  /** The route's parameters, decoded (`id` of `#/commands/:id`). */
  params: Readonly<Record<string, string>>;
  /** The query of the route (`#/commands?status=FAILED`). */
  query: URLSearchParams;
  /** Aborted when the page is left or reloaded before this render finished. */
  signal: AbortSignal;
  /** The time of this render, for relative times. */
  now: number;
  /**
   * Runs a change the operator asked for (and confirmed): says what it did, or shows why it failed,
   * then reloads the page. `run` resolves to the message to say.
   */
  act(run: () => Promise<string>): Promise<void>;
  /** Goes to another route of the dashboard (`#/commands?…`). */
  navigate(hash: string): void;
}

/** A rendered page: its title (for the browser tab) and its content. */
export interface PageView {
  title: string;
  content: Node;
}

/** A page: loads what it shows from the API and builds it. Throws when the API fails. */
export type Page = (context: PageContext) => Promise<PageView>;

/** A link to a dashboard route with a query, leaving out empty values. */
export function routeHref(path: string, query: Record<string, string | number | undefined | null> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}
