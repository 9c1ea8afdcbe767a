import { describe, expect, it } from 'vitest';
import { type WorkflowEvent, type WorkflowInstance, type WorkflowNode, buildWorkflowTree, parentsToExplain } from './workflow.tree.js';

/** An instance of the workflow, created `second` seconds into it. */
function instance(id: string, name: string, second: number, fields: Partial<WorkflowInstance> = {}): WorkflowInstance {
  return { id, name, status: 'COMPLETED', parentId: null, sequence: [], createdAt: at(second), ...fields };
}

function at(second: number): string {
  return new Date(Date.UTC(2026, 2, 1, 9, 0, second)).toISOString();
}

function events(...entries: [type: string, second: number][]): WorkflowEvent[] {
  return entries.map(([type, second]) => ({ type, timestamp: at(second) }));
}

/** The tree as `name relation` lines, indented by depth. */
function outline(nodes: readonly WorkflowNode<WorkflowInstance>[], depth = 0): string[] {
  return nodes.flatMap((node) => [`${'  '.repeat(depth)}${node.instance.name} ${node.relation}`, ...outline(node.children, depth + 1)]);
}

describe('buildWorkflowTree', () => {
  const order = instance('o', 'placeOrder', 0, { sequence: ['reserveStock', 'chargeCard'] });
  const reserve = instance('r', 'reserveStock', 1, { parentId: 'o', sequence: ['chargeCard'] });
  const email = instance('e', 'sendEmail', 1, { parentId: 'r' });
  const charge = instance('c', 'chargeCard', 2, { parentId: 'r', status: 'DEAD_LETTER' });
  const release = instance('l', 'releaseStock', 3, { parentId: 'c' });

  it('nests each instance under its parent in creation order, and names steps, spawns and the compensation', () => {
    const histories = new Map([
      ['r', events(['created', 1], ['started', 1], ['completed', 2])],
      ['c', events(['created', 2], ['started', 2], ['failed', 3], ['recovered', 3])],
    ]);
    expect(outline(buildWorkflowTree([release, charge, email, reserve, order], histories))).toEqual([
      'placeOrder root',
      '  reserveStock step',
      '    sendEmail spawn',
      '    chargeCard step',
      '      releaseStock compensation',
    ]);
  });

  it('keeps a compensation a compensation after its parent is replayed and completes', () => {
    const replayed = { ...charge, status: 'COMPLETED', sequence: ['shipOrder'] };
    const ship = instance('s', 'shipOrder', 9, { parentId: 'c' });
    const history = events(['created', 2], ['started', 2], ['failed', 3], ['recovered', 3], ['started', 8], ['completed', 9]);
    expect(outline(buildWorkflowTree([replayed, release, ship], new Map([['c', history]])))).toEqual([
      'chargeCard root',
      '  releaseStock compensation',
      '  shipOrder step',
    ]);
  });

  it('names the child of an expired parent, and does not call a child of a run that succeeded a compensation because a later run failed', () => {
    const report = instance('p', 'generateReport', 0, { status: 'FAILED' });
    const spawned = instance('x', 'archiveReport', 2, { parentId: 'p' });
    const alarm = instance('y', 'pageOnCall', 5, { parentId: 'p' });
    const expiring = instance('q', 'sendQuote', 0, { status: 'EXPIRED' });
    const onExpiry = instance('z', 'notifySales', 4, { parentId: 'q' });
    const histories = new Map([
      ['p', events(['created', 0], ['started', 1], ['repeating', 2], ['started', 4], ['failed', 5], ['recovered', 5])],
      ['q', events(['created', 0], ['expired', 4])],
    ]);
    expect(outline(buildWorkflowTree([report, spawned, alarm, expiring, onExpiry], histories))).toEqual([
      'generateReport root',
      '  archiveReport spawn',
      '  pageOnCall compensation',
      'sendQuote root',
      '  notifySales expiry',
    ]);
  });

  it('finds the attempt that created a child in history order when a retry, the next start and the Recover child share a millisecond', () => {
    const failing = instance('c', 'chargeCard', 0, { status: 'DEAD_LETTER' });
    const compensation = instance('l', 'releaseStock', 1, { parentId: 'c' });
    const history = events(['created', 0], ['started', 0], ['retrying', 1], ['started', 1], ['failed', 1], ['recovered', 1]);
    expect(outline(buildWorkflowTree([failing, compensation], new Map([['c', history]])))).toEqual(['chargeCard root', '  releaseStock compensation']);
  });

  it('labels as an expiry the child of a parent that expired while waiting to retry', () => {
    const quote = instance('q', 'sendQuote', 0, { status: 'EXPIRED' });
    const onExpiry = instance('z', 'notifySales', 4, { parentId: 'q' });
    const history = events(['created', 0], ['started', 1], ['retrying', 2], ['expired', 4]);
    expect(outline(buildWorkflowTree([quote, onExpiry], new Map([['q', history]])))).toEqual(['sendQuote root', '  notifySales expiry']);
  });

  it('makes an instance whose parent is not among them a root, and places children by name when no history is given', () => {
    expect(outline(buildWorkflowTree([reserve, email, charge], new Map()))).toEqual(['reserveStock root', '  sendEmail spawn', '  chargeCard step']);
  });
});

describe('parentsToExplain', () => {
  it('names the parents with a child that is not the next step of their sequence, once each', () => {
    const root = instance('a', 'placeOrder', 0, { sequence: ['reserveStock'] });
    const step = instance('b', 'reserveStock', 1, { parentId: 'a' });
    const failing = instance('c', 'chargeCard', 2, { parentId: 'b' });
    const first = instance('d', 'releaseStock', 3, { parentId: 'c' });
    const second = instance('e', 'notifyCustomer', 3, { parentId: 'c' });
    const orphan = instance('f', 'sendEmail', 4, { parentId: 'gone' });
    expect(parentsToExplain([root, step, failing, first, second, orphan])).toEqual(['b', 'c']);
  });
});
