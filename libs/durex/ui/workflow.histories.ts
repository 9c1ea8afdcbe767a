import { ApiError } from './api.client.js';
import type { WorkflowEvent } from './workflow.tree.js';

/** How many parents' histories a workflow page asks for at once, so a wide workflow does not flood the API on every refresh. */
const AT_ONCE = 6;

/**
 * The histories of the parents `ids`, each read by `load`, at most `atOnce` at a time. A parent the
 * API no longer knows (404: cleanup deleted it since the workflow was listed) is left out, so the
 * tree places its children by their names alone instead of the whole page failing.
 */
export async function loadHistories(
  ids: readonly string[],
  load: (id: string) => Promise<{ history?: readonly WorkflowEvent[] }>,
  atOnce = AT_ONCE,
): Promise<Map<string, readonly WorkflowEvent[]>> {
  const histories = new Map<string, readonly WorkflowEvent[]>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        histories.set(id, (await load(id)).history ?? []);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, ids.length) }, worker));
  return histories;
}
