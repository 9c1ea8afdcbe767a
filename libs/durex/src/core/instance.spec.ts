import { describe, expect, it } from 'vitest';
import { EventType } from './event.js';
import { Instance, type InstanceState } from './instance.js';
import type { CommandData } from './json.js';
import { Status } from './status.js';

function make(overrides: Partial<InstanceState> = {}): Instance {
  const at = new Date('2026-01-01T00:00:00Z');
  return new Instance<CommandData>({
    id: 'i-1', name: 'cmd', data: { s: 'text', n: 4.7, b: true, o: { k: 1 }, a: [1, 2] }, status: Status.PENDING,
    retries: 2, maxRetries: 2, attempt: 0, sequence: ['b', 'c'], parentId: null, priority: 0, tags: ['t1'],
    uniqueKey: null, traceId: 'tr', correlationId: 'co', createdAt: at, readyAt: at, startedAt: null, completedAt: null,
    deadlineAt: null, timeout: 0, period: 0, error: null, metadata: {}, leaseOwner: null, leaseExpiresAt: null,
    ...overrides,
  });
}

describe('Instance', () => {
  it('reads typed values from data with the reference getters', () => {
    const i = make();
    expect([i.getString('s'), i.getString('n'), i.getNumber('n'), i.getInt('n'), i.getBool('b'), i.getBool('s')]).toEqual(['text', '', 4.7, 4, true, false]);
    expect([i.getObject('o'), i.getObject('a'), i.getArray('a'), i.getArray('o'), i.get('missing')]).toEqual([{ k: 1 }, {}, [1, 2], [], undefined]);
    expect(i.hasTag('t1')).toBe(true);
  });

  it('measures age, duration and overdue against the given time', () => {
    const start = new Date('2026-01-01T00:00:10Z');
    const i = make({ startedAt: start, completedAt: new Date(start.getTime() + 1_500), deadlineAt: new Date('2026-01-01T00:01:00Z') });
    expect(i.age(Date.parse('2026-01-01T00:00:30Z'))).toBe(30_000);
    expect(i.duration()).toBe(1_500);
    expect(make().duration()).toBe(0);
    expect(i.isOverdue(Date.parse('2026-01-01T00:00:59Z'))).toBe(false);
    expect(i.isOverdue(Date.parse('2026-01-01T00:01:01Z'))).toBe(true);
  });

  it('continues its sequence with accumulated data, and ends it', () => {
    const i = make();
    i.set('step', 1);
    const next = i.continueSequence({ extra: true });
    expect(next.commands).toEqual([{ name: 'b', data: { ...i.data, extra: true }, sequence: ['c'] }]);
    expect(make({ sequence: ['z'] }).continueSequence().commands).toEqual([{ name: 'z', data: make().data }]);
    expect(make({ sequence: [] }).continueSequence().commands).toEqual([]);
    expect(make({ sequence: ['z'], uniqueKey: 'k' }).continueSequence().commands[0]!.uniqueKey).toBe('k');
  });

  it('records events and hands the unsaved ones and data changes to the executor once', () => {
    const i = make({ attempt: 2 });
    i.recordEvent(EventType.RETRYING, 'note');
    i.recordError(EventType.FAILED, new Error('bad'));
    i.recordEventWithDuration(EventType.COMPLETED, 12);
    i.set('x', 1);
    const changes = i.takeChanges();
    expect(changes.dataChanged).toBe(true);
    expect(changes.events.map((e) => [e.type, e.attempt, e.message ?? e.error ?? e.durationMs])).toEqual([
      ['retrying', 2, 'note'], ['failed', 2, 'bad'], ['completed', 2, 12],
    ]);
    expect(i.takeChanges()).toEqual({ dataChanged: false, events: [] });
    expect(i.history).toHaveLength(3);
  });

  it('clones deeply', () => {
    const i = make();
    const copy = i.clone();
    copy.set('s', 'changed');
    (copy.getObject('o') as { k: number }).k = 99;
    copy.tags.push('t2');
    expect([i.getString('s'), i.getObject('o'), i.tags]).toEqual(['text', { k: 1 }, ['t1']]);
    expect(copy.createdAt).not.toBe(i.createdAt);
    expect(copy.createdAt.getTime()).toBe(i.createdAt.getTime());
    expect(JSON.parse(JSON.stringify(i))).toMatchObject({ id: 'i-1', history: [] });
  });
});
