import type { InstanceView } from './api.types.js';
import { type Confirmation, confirmAction } from './confirm.dialog.js';
import { h } from './dom.js';
import type { PageContext } from './page.js';

/*
 * The changes an operator can make to one instance, each behind a confirmation: cancel (while it
 * can still run) and replay (from the dead letter queue).
 */

type Target = Pick<InstanceView, 'id' | 'name' | 'status' | 'maxRetries'>;

/** A button that cancels the instance after confirmation. */
export function cancelButton(context: PageContext, instance: Target): HTMLButtonElement {
  const running = instance.status === 'STARTED';
  return actionButton(context, instance, 'Cancel', 'danger', {
    title: `Cancel ${instance.name}?`,
    body: `Instance ${instance.id} is ${instance.status.toLowerCase()}. Cancelling ends it for good${running ? ' and aborts its running handler' : ''}; it will not be retried.`,
    confirm: 'Cancel instance',
  }, async () => {
    await context.api.cancel(instance.id);
    return `Cancelled ${instance.name} ${instance.id}.`;
  });
}

/** A button that puts a dead-lettered instance back in the queue after confirmation. */
export function replayButton(context: PageContext, instance: Target): HTMLButtonElement {
  const retries = `${instance.maxRetries} ${instance.maxRetries === 1 ? 'retry' : 'retries'}`;
  return actionButton(context, instance, 'Replay', 'primary', {
    title: `Replay ${instance.name}?`,
    body: `Instance ${instance.id} goes back to the queue with its full retry budget (${retries}) and runs again.`,
    confirm: 'Replay',
    destructive: false,
  }, async () => {
    await context.api.replay(instance.id);
    return `Replayed ${instance.name} ${instance.id}: it is pending again.`;
  });
}

/** A small button named after the action and the instance, that asks, then runs `change`. */
function actionButton(context: PageContext, instance: Target, action: string, tone: string, question: Confirmation, change: () => Promise<string>): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: `button ${tone} small`,
      'aria-label': `${action} ${instance.name} ${instance.id}`,
      'data-key': `${action}:${instance.id}`,
      onclick: async () => {
        if (await confirmAction(question)) await context.act(change);
      },
    },
    action,
  );
}
