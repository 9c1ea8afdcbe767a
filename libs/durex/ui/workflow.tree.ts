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

/**
 * How an instance came to be, read from its parent:
 * - `root`: it has no parent in this workflow;
 * - `step`: the next command of its parent's sequence;
 * - `compensation`: created while its parent failed, by the parent's Recover handler;
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

/** The tree of `instances`: every instance appears once, under its parent when the parent is among them. */
export function buildWorkflowTree<T extends WorkflowInstance>(instances: readonly T[]): WorkflowNode<T>[] {
  const byId = new Map(instances.map((instance) => [instance.id, instance]));
  const nodes = new Map<string, WorkflowNode<T>>();
  for (const instance of instances) {
    const parent = instance.parentId === null ? undefined : byId.get(instance.parentId);
    nodes.set(instance.id, { instance, relation: parent ? relationTo(parent, instance) : 'root', children: [] });
  }
  const roots: WorkflowNode<T>[] = [];
  for (const node of [...nodes.values()].sort((a, b) => byCreation(a.instance, b.instance))) {
    const parent = node.instance.parentId === null ? undefined : nodes.get(node.instance.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

function relationTo(parent: WorkflowInstance, child: WorkflowInstance): Relation {
  if (parent.status === 'FAILED' || parent.status === 'DEAD_LETTER') return 'compensation';
  if (parent.status === 'EXPIRED') return 'expiry';
  if (parent.sequence[0] === child.name) return 'step';
  return 'spawn';
}

function byCreation(a: WorkflowInstance, b: WorkflowInstance): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}
