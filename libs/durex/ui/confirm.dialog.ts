import { h } from './dom.js';

/** What a confirmation asks. */
export interface Confirmation {
  title: string;
  body: string;
  /** The label of the button that goes ahead, naming the action ("Cancel instance", "Purge"). */
  confirm: string;
  /** Whether going ahead destroys something (a red button) or only starts work again. @default true */
  destructive?: boolean;
}

/**
 * Asks before a change that cannot be undone, in a modal `<dialog>`: focus moves into it and stays
 * there, Escape or "Keep" declines, and focus returns to the control that opened it. The safe
 * choice has the focus first, so a stray Enter declines.
 */
export function confirmAction({ title, body, confirm, destructive = true }: Confirmation): Promise<boolean> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => {
    const titleId = 'confirm-title';
    const bodyId = 'confirm-body';
    const keep = h('button', { type: 'button', class: 'button', onclick: () => dialog.close('keep') }, 'Keep');
    const proceed = h('button', { type: 'button', class: destructive ? 'button danger' : 'button primary', onclick: () => dialog.close('confirm') }, confirm);
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': titleId, 'aria-describedby': bodyId },
      h('h2', { id: titleId }, title),
      h('p', { id: bodyId }, body),
      h('div', { class: 'dialog-actions' }, keep, proceed),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(dialog.returnValue === 'confirm');
    });
    document.body.append(dialog);
    dialog.showModal();
    keep.focus();
  });
}
