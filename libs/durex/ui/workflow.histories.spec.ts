import { describe, expect, it } from 'vitest';
import { ApiError } from './api.client.js';
import { loadHistories } from './workflow.histories.js';
import { buildWorkflowTree, type WorkflowInstance } from './workflow.tree.js';

const HISTORY = [{ type: 'failed', timestamp: '2026-03-01T09:00:03.000Z' }];

describe('loadHistories', () => {
  it('leaves out a parent deleted since the workflow was listed, so its child is placed by name', async () => {
    const load = async (id: string) => {
      if (id === 'gone') throw new ApiError(404, '404 Not Found: instance gone not found.');
      return { history: HISTORY };
    };
    const histories = await loadHistories(['kept', 'gone'], load);
    expect([...histories]).toEqual([['kept', HISTORY]]);

    const parent: WorkflowInstance = { id: 'gone', name: 'chargeCard', status: 'COMPLETED', parentId: null, sequence: ['shipOrder'], createdAt: '2026-03-01T09:00:00.000Z' };
    const child: WorkflowInstance = { id: 'c', name: 'releaseStock', status: 'COMPLETED', parentId: 'gone', sequence: [], createdAt: '2026-03-01T09:00:03.000Z' };
    expect(buildWorkflowTree([parent, child], histories)[0]!.children.map((node) => node.relation)).toEqual(['spawn']);
  });

  it('fails on any other refusal', async () => {
    const load = async () => {
      throw new ApiError(403, '403 Forbidden: Forbidden resource.');
    };
    await expect(loadHistories(['a'], load)).rejects.toThrow('403 Forbidden');
  });

  it('asks for at most six histories at a time, and gets every one', async () => {
    const ids = Array.from({ length: 20 }, (_, index) => `p${index}`);
    let inFlight = 0;
    let most = 0;
    const load = async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await Promise.resolve();
      inFlight -= 1;
      return { history: HISTORY };
    };
    const histories = await loadHistories(ids, load);
    expect(most).toBe(6);
    expect([...histories.keys()].sort()).toEqual([...ids].sort());
  });
});
