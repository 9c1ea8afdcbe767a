import { h } from './dom.js';

/** Why an alert is shown: a page that failed to load clears its alert once a load succeeds; an action's stays. */
export type AlertSource = 'load' | 'action';

/**
 * The two message areas above the content: `#alerts` (role=alert, announced at once) for failures
 * and `#status` (role=status, announced politely) for what an action did.
 */
export class Notices {
  private source: AlertSource | undefined;

  constructor(
    private readonly alerts: HTMLElement,
    private readonly status: HTMLElement,
  ) {}

  /** Shows a failure until it is dismissed, replaced, or (for a load) the next load succeeds. */
  alert(message: string, source: AlertSource): void {
    this.source = source;
    const dismiss = h('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss this message', onclick: () => this.clearAlert() }, '×');
    this.alerts.replaceChildren(h('div', { class: 'alert' }, h('p', null, message), dismiss));
  }

  /** Clears the alert if it came from `source` (or any alert when none is given). */
  clearAlert(source?: AlertSource): void {
    if (source !== undefined && this.source !== source) return;
    this.source = undefined;
    this.alerts.replaceChildren();
  }

  /** Says what an action did. */
  say(message: string): void {
    this.status.replaceChildren(h('p', { class: 'status-message' }, message));
  }

  clearStatus(): void {
    this.status.replaceChildren();
  }
}
