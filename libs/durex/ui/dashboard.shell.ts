import { ApiClient, ApiError } from './api.client.js';
import { h } from './dom.js';
import { Notices } from './notices.js';
import type { Page, PageContext, PageView } from './page.js';

/** One route: a path pattern, the names of its captured parameters, the page, and a name for messages. */
export interface RouteDefinition {
  pattern: RegExp;
  params?: readonly string[];
  page: Page;
  name: string;
  /** The navigation link that is current on this route. */
  section: string;
}

/** What the server put on the page: where the API is, how often to refresh, the title. */
export interface ShellSettings {
  api: ApiClient;
  refreshInterval: number;
  title: string;
}

/**
 * Runs the dashboard: hash routing (so it works under any path), loading and swapping pages, live
 * refresh with a pause toggle, messages, and keyboard focus. A refresh keeps the focused control
 * focused, and is skipped while the operator is typing, editing a filter or answering a dialog, so
 * the page never changes under their hands.
 */
export class DashboardShell {
  private readonly main = document.getElementById('main')!;
  private readonly toggle = document.getElementById('live-toggle') as HTMLButtonElement;
  private readonly notices = new Notices(document.getElementById('alerts')!, document.getElementById('status')!);
  private live = true;
  private edited = false;
  private generation = 0;
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private shown = false;

  constructor(
    private readonly settings: ShellSettings,
    private readonly routes: readonly RouteDefinition[],
    private readonly notFound: Page,
  ) {}

  start(): void {
    window.addEventListener('hashchange', () => void this.show('navigate'));
    document.addEventListener('visibilitychange', () => (document.hidden ? this.cancelTimer() : this.schedule()));
    // Typing in a filter that is not applied yet must survive the next refresh.
    this.main.addEventListener('input', (event) => {
      if (event.target instanceof Element && event.target.closest('form[role="search"]')) this.edited = true;
    });
    // The skip link would replace the route in the hash; move focus instead.
    document.querySelector('.skip-link')?.addEventListener('click', (event) => {
      event.preventDefault();
      this.main.focus();
    });
    this.toggle.hidden = false;
    this.toggle.addEventListener('click', () => this.setLive(!this.live));
    void this.show('navigate');
  }

  private setLive(live: boolean): void {
    this.live = live;
    this.toggle.setAttribute('aria-pressed', String(live));
    this.notices.say(live ? `Live updates on: the page reloads every ${Math.round(this.settings.refreshInterval / 1000)} s.` : 'Live updates paused.');
    if (live) void this.show('refresh');
    else this.cancelTimer();
  }

  private async show(mode: 'navigate' | 'refresh'): Promise<void> {
    this.cancelTimer();
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const generation = ++this.generation;
    const { page, params, query, route } = this.resolve(location.hash);
    if (mode === 'navigate') {
      this.edited = false;
      this.notices.clearAlert();
      this.notices.clearStatus();
      this.main.setAttribute('aria-busy', 'true');
      this.markSection(route?.section);
    }
    try {
      const view = await page(this.context(params, query, controller.signal));
      if (generation !== this.generation) return;
      this.swap(view, mode);
      this.notices.clearAlert('load');
    } catch (error) {
      if (controller.signal.aborted) return;
      this.notices.alert(error instanceof ApiError ? error.message : `The dashboard failed: ${String(error)}`, 'load');
      // After a failed refresh the last content stays, stale beats blank; the alert says what failed.
      if (mode === 'navigate' || !this.shown) this.swap(this.unavailable(route?.name ?? 'This page'), mode);
    } finally {
      if (generation === this.generation) {
        this.main.removeAttribute('aria-busy');
        this.schedule();
      }
    }
  }

  private context(params: Record<string, string>, query: URLSearchParams, signal: AbortSignal): PageContext {
    return {
      api: this.settings.api,
      params,
      query,
      signal,
      now: Date.now(),
      navigate: (hash) => {
        if (location.hash === hash) void this.show('navigate');
        else location.hash = hash;
      },
      act: async (run) => {
        this.notices.clearAlert('action');
        try {
          this.notices.say(await run());
        } catch (error) {
          this.notices.alert(error instanceof ApiError ? error.message : String(error), 'action');
        }
        await this.show('refresh');
      },
    };
  }

  private resolve(hash: string): { page: Page; params: Record<string, string>; query: URLSearchParams; route?: RouteDefinition } {
    const [path = '/', search = ''] = hash.replace(/^#/, '').split(/\?(.*)/s);
    const query = new URLSearchParams(search);
    for (const route of this.routes) {
      const match = route.pattern.exec(path || '/');
      if (!match) continue;
      const params = Object.fromEntries((route.params ?? []).map((name, index) => [name, decode(match[index + 1] ?? '')]));
      return { page: route.page, params, query, route };
    }
    return { page: this.notFound, params: { path }, query };
  }

  private swap(view: PageView, mode: 'navigate' | 'refresh'): void {
    const focused = mode === 'refresh' && this.main.contains(document.activeElement) ? focusKey(document.activeElement) : undefined;
    this.main.replaceChildren(view.content);
    document.title = `${view.title} · ${this.settings.title}`;
    const heading = this.main.querySelector('h1');
    heading?.setAttribute('tabindex', '-1');
    if (mode === 'navigate') {
      // The first load keeps the browser's focus; later navigations put it on the new page's heading,
      // so keyboard and screen reader users start reading the page they asked for.
      if (this.shown) heading?.focus();
      window.scrollTo(0, 0);
    } else if (focused !== undefined) {
      const again = [...this.main.querySelectorAll<HTMLElement>('a, button, input, select, summary, [tabindex]')].find((element) => focusKey(element) === focused);
      (again ?? heading)?.focus({ preventScroll: true });
    }
    this.shown = true;
  }

  private unavailable(name: string): PageView {
    const retry = h('button', { type: 'button', class: 'button', onclick: () => void this.show('navigate') }, 'Try again');
    return {
      title: `${name} unavailable`,
      content: h('section', { class: 'panel empty' }, h('h1', null, `${name} is unavailable`), h('p', null, 'Loading it failed; the message above says why.'), retry),
    };
  }

  private markSection(section: string | undefined): void {
    for (const link of document.querySelectorAll<HTMLAnchorElement>('.nav a')) {
      if (link.getAttribute('href') === section) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  private schedule(): void {
    this.cancelTimer();
    if (!this.live || document.hidden) return;
    this.timer = setTimeout(() => {
      if (this.busy()) this.schedule();
      else void this.show('refresh');
    }, this.settings.refreshInterval);
  }

  /** True while a refresh would disturb the operator: a dialog is open, or a filter is being edited. */
  private busy(): boolean {
    const active = document.activeElement;
    const typing = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement;
    return this.edited || typing || document.querySelector('dialog[open]') !== null;
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** What identifies a control across a re-render: its key, id, link target, or label. */
function focusKey(element: Element | null): string | undefined {
  if (!(element instanceof HTMLElement)) return undefined;
  return element.dataset.key ?? (element.id || element.getAttribute('href') || `${element.tagName}:${element.textContent ?? ''}`);
}

/** A route parameter decoded; a malformed escape is kept as typed, and the API says it matches nothing. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
