/*
 * The tree of one workflow, built from the instances that share its correlation id: each instance
 * under its parent (parentId), roots first, children in creation order. Pure, so the shape of a
 * workflow is decided here and only drawn elsewhere.
 */

/** What the tree needs of an instance. */
export interface WorkflowInstance {
  id: string;
  name: string;
  status: string;
  parentId: string | null;
  sequence: string[];
  createdAt: string;
}

/** What the tree needs of a history event. */
export interface WorkflowEvent {
  type: string;
  timestamp: string;
}

/**
 * How an instance came to be, read from its parent:
 * - `root`: it has no parent in this workflow;
 * - `step`: the next command of its parent's sequence;
 * - `compensation`: created in an attempt of its parent that failed, by the parent's Recover handler;
 * - `expiry`: created when its parent's deadline passed, by the parent's Expired handler;
 * - `spawn`: any other child (`Result.spawn` or `Result.next`).
 */
export type Relation = 'root' | 'step' | 'compensation' | 'expiry' | 'spawn';

/** One node of the tree. */
export interface WorkflowNode<T extends WorkflowInstance> {
  instance: T;
  relation: Relation;
  children: WorkflowNode<T>[];
}

/** The events that end an attempt, each ending the one in which the children before it were created. */
const ATTEMPT_ENDS = new Set(['completed', 'failed', 'expired', 'repeating', 'retrying', 'cancelled']);

/**
 * The parents whose histories {@link buildWorkflowTree} needs: those with a child that is not the
 * next step of their sequence, which may be a compensation or an expiry child. A parent's current
 * status cannot tell: a replayed parent that failed once may have completed since.
 */
export function parentsToExplain(instances: readonly WorkflowInstance[]): string[] {
  const byId = new Map(instances.map((instance) => [instance.id, instance]));
  const parents = new Set<string>();
  for (const child of instances) {
    const parent = child.parentId === null ? undefined : byId.get(child.parentId);
    if (parent && parent.sequence[0] !== child.name) parents.add(parent.id);
  }
  return [...parents];
}

/**
 * The tree of `instances`: every instance appears once, under its parent when the parent is among
 * them. `histories` holds the history of each parent {@link parentsToExplain} named; a parent without
 * one has its children placed by their names alone.
 */
export function buildWorkflowTree<T extends WorkflowInstance>(instances: readonly T[], histories: ReadonlyMap<string, readonly WorkflowEvent[]>): WorkflowNode<T>[] {
  const byId = new Map(instances.map((instance) => [instance.id, instance]));
  const nodes = new Map<string, WorkflowNode<T>>();
  for (const instance of instances) {
    const parent = instance.parentId === null ? undefined : byId.get(instance.parentId);
    nodes.set(instance.id, { instance, relation: parent ? relationTo(parent, instance, histories.get(parent.id)) : 'root', children: [] });
  }
  const roots: WorkflowNode<T>[] = [];
  for (const node of [...nodes.values()].sort((a, b) => byCreation(a.instance, b.instance))) {
    const parent = node.instance.parentId === null ? undefined : nodes.get(node.instance.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/**
 * Decided by how the parent's attempt that created the child ended. Timestamps are in milliseconds,
 * and without backoff a `retrying`, the next `started` and a Recover child can share one, so the
 * attempt is found in history order: the last start at or before the child's creation. Its end is
 * the first attempt end after that start and not before the child, since an instance that expires
 * while waiting to retry ends with no start of its own.
 */
function relationTo(parent: WorkflowInstance, child: WorkflowInstance, history: readonly WorkflowEvent[] = []): Relation {
  const created = Date.parse(child.createdAt);
  const start = history.findLastIndex((event) => event.type === 'started' && Date.parse(event.timestamp) <= created);
  const end = history.find((event, index) => index > start && ATTEMPT_ENDS.has(event.type) && Date.parse(event.timestamp) >= created);
  if (end?.type === 'failed') return 'compensation';
  if (end?.type === 'expired') return 'expiry';
  if (parent.sequence[0] === child.name) return 'step';
  return 'spawn';
}

function byCreation(a: WorkflowInstance, b: WorkflowInstance): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}
