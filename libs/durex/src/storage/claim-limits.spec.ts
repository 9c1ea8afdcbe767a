import { describe, expect, it } from 'vitest';
import { LimitedPick } from './claim-limits.js';
import type { ClaimRequest } from './storage.interface.js';

const NOW = 1_000_000;

function request(overrides: Partial<ClaimRequest>): ClaimRequest {
  return { owner: 'w', limit: 10, leaseMs: 1000, now: new Date(NOW), names: ['a', 'b'], ...overrides };
}

const none = { runningByName: new Map<string, number>(), runningByKey: new Map<string, number>(), startsByName: new Map<string, number[]>() };

describe('LimitedPick', () => {
  it('takes within the room a name has left across the cluster and in this process', () => {
    const pick = new LimitedPick(request({ limits: { concurrency: { a: 3 } }, perNameLimits: { b: 1 } }), {
      ...none,
      runningByName: new Map([['a', 1]]),
    });
    const taken = ['a', 'a', 'a', 'b', 'b'].map((name) => pick.take({ name, concurrencyKey: null }));
    expect(taken).toEqual([true, true, false, true, false]);
    expect(pick.heldBack).toBe(true);
  });

  it('closes a name with no room, and a key at its limit, whatever the name', () => {
    const pick = new LimitedPick(request({ limits: { concurrency: { a: 2 }, keyLimit: 2 } }), {
      ...none,
      runningByName: new Map([['a', 2]]),
      runningByKey: new Map([['t1', 1], ['t2', 2]]),
    });
    expect(pick.closedNames()).toEqual(['a']);
    expect(pick.fullKeys()).toEqual(['t2']);
    expect(pick.take({ name: 'b', concurrencyKey: 't1' })).toBe(true);
    expect(pick.take({ name: 'b', concurrencyKey: 't1' })).toBe(false);
    expect(pick.take({ name: 'b', concurrencyKey: 't3' })).toBe(true);
  });

  it('counts the starts in the window and holds the name until the oldest that fills it leaves', () => {
    const per = 1000;
    const pick = new LimitedPick(request({ limits: { rate: { a: { max: 3, per } } } }), {
      ...none,
      // The first is outside the window (a start at NOW - per has left it).
      startsByName: new Map([['a', [NOW - per, NOW - 600, NOW - 300]]]),
    });
    expect(pick.take({ name: 'a', concurrencyKey: null })).toBe(true);
    expect(pick.take({ name: 'a', concurrencyKey: null })).toBe(false);
    // Window now holds NOW-600, NOW-300, NOW: room again when NOW-600 leaves.
    expect(pick.holds()).toEqual([{ name: 'a', until: NOW - 600 + per }]);
    expect(pick.rateNames()).toEqual(['a']);
  });

  it('holds nothing while the window has room, and ignores limits of names not asked for', () => {
    const pick = new LimitedPick(request({ names: ['a'], limits: { rate: { a: { max: 5, per: 1000 }, c: { max: 1, per: 1000 } } } }), none);
    expect(pick.take({ name: 'a', concurrencyKey: null })).toBe(true);
    expect(pick.holds()).toEqual([]);
    expect(pick.rateNames()).toEqual(['a']);
  });

  it('stops at the claim limit', () => {
    const pick = new LimitedPick(request({ limit: 1 }), none);
    expect(pick.take({ name: 'a', concurrencyKey: null })).toBe(true);
    expect(pick.full).toBe(true);
    expect(pick.take({ name: 'b', concurrencyKey: null })).toBe(false);
  });
});
