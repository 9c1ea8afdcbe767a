import type { InstancePage, InstanceView, Stats, Throughput } from './api.types.js';

/** A failed API call, with a message an operator can act on. `status` is 0 when no answer came. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The filters of the instance list, as the admin API names them. */
export interface CommandFilter {
  status?: string;
  name?: string;
  tag?: string;
  correlationId?: string;
  q?: string;
  limit?: number;
  offset?: number;
  order?: 'asc' | 'desc';
}

/** The most instances one workflow view loads: beyond it the tree would not be readable anyway. */
export const WORKFLOW_LIMIT = 1_000;

const PAGE = 200;

/**
 * The admin REST API, as the page calls it. Every URL is resolved against `base`, itself relative
 * to the page, so no path here starts with '/'.
 */
export class ApiClient {
  constructor(readonly base: URL) {}

  stats(signal?: AbortSignal): Promise<Stats> {
    return this.request('GET', 'stats', {}, signal);
  }

  throughput(window: number, bucket: number, signal?: AbortSignal): Promise<Throughput> {
    return this.request('GET', 'stats/throughput', { window, bucket }, signal);
  }

  commands(filter: CommandFilter, signal?: AbortSignal): Promise<InstancePage> {
    return this.request('GET', 'commands', { ...filter }, signal);
  }

  command(id: string, signal?: AbortSignal): Promise<InstanceView> {
    return this.request('GET', `commands/${encodeURIComponent(id)}`, {}, signal);
  }

  children(id: string, signal?: AbortSignal): Promise<InstancePage> {
    return this.request('GET', `commands/${encodeURIComponent(id)}/children`, { limit: PAGE }, signal);
  }

  /** Every instance of one workflow (up to {@link WORKFLOW_LIMIT}), oldest first, and how many there are. */
  async workflow(correlationId: string, signal?: AbortSignal): Promise<{ items: InstanceView[]; total: number }> {
    const items: InstanceView[] = [];
    for (;;) {
      const page = await this.commands({ correlationId, order: 'asc', limit: PAGE, offset: items.length }, signal);
      items.push(...page.items);
      if (page.items.length < PAGE || items.length >= Math.min(page.total, WORKFLOW_LIMIT)) return { items, total: page.total };
    }
  }

  deadLetters(filter: { name?: string; limit: number; offset: number }, signal?: AbortSignal): Promise<InstancePage> {
    return this.request('GET', 'dlq', { ...filter }, signal);
  }

  cancel(id: string): Promise<InstanceView> {
    return this.request('POST', `commands/${encodeURIComponent(id)}/cancel`);
  }

  cancelByTag(tag: string): Promise<{ cancelled: number }> {
    return this.request('POST', 'commands/cancel-by-tag', {}, undefined, { tag });
  }

  replay(id: string): Promise<InstanceView> {
    return this.request('POST', `dlq/${encodeURIComponent(id)}/replay`);
  }

  purge(olderThan: number): Promise<{ purged: number }> {
    return this.request('DELETE', 'dlq', { olderThan });
  }

  private async request<T>(method: string, path: string, query: Record<string, string | number | undefined> = {}, signal?: AbortSignal, body?: unknown): Promise<T> {
    const url = new URL(path, this.base);
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        signal,
        headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(0, `Could not reach the durex admin API at ${this.base.href}: the server did not answer. Check that it is running and reachable.`);
    }
    const payload: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw new ApiError(response.status, describeFailure(response, payload, this.base));
    return payload as T;
  }
}

/** The message of a failed call: the API's own words, with what the operator can do about them. */
function describeFailure(response: Response, payload: unknown, base: URL): string {
  const body = (typeof payload === 'object' && payload !== null ? payload : {}) as { message?: unknown; code?: unknown };
  const message = Array.isArray(body.message) ? body.message.join('; ') : typeof body.message === 'string' ? body.message : '';
  const said = message.replace(/\.$/, '');
  const status = `${response.status} ${response.statusText || 'Error'}`.trim();
  switch (response.status) {
    case 401:
      return `${status}: ${said || 'the admin API asks for credentials'}. Sign in, then reload the page.`;
    case 403:
      return `${status}: ${said || 'the admin API refused the request'}. Your account may not be allowed to do this; ask for access to the durex admin API.`;
    case 404:
      // A durex "not found" names the instance; any other 404 means no admin API is mounted there.
      return body.code
        ? `${status}: ${said}.`
        : `${status}: no durex admin API answers at ${base.href}. Register DurexAdminModule at the dashboard's apiPath.`;
    default:
      return `${status}: ${said || 'the admin API failed without saying why'}.`;
  }
}
