import { describe, expect, it } from 'vitest';
import { DefaultIdGenerator, generateId, getIdGenerator, ID_PATTERN, setIdGenerator, SimpleIdGenerator, UlidGenerator } from './ids.js';

describe('id generators', () => {
  it('makes 26-character ULIDs that sort by time and stay monotonic within a millisecond', () => {
    let now = 1_700_000_000_000;
    const generator = new UlidGenerator(() => now);
    const sameMs = Array.from({ length: 1_000 }, () => generator.generate());
    now += 1;
    const later = generator.generate();
    for (const id of [...sameMs, later]) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...sameMs].sort()).toEqual(sameMs);
    expect(new Set(sameMs).size).toBe(1_000);
    expect(later > sameMs.at(-1)!).toBe(true);
    expect(new Set(sameMs.map((id) => id.slice(0, 10))).size).toBe(1);
  });

  it('offers the reference formats and a pluggable process-wide generator', () => {
    expect(new DefaultIdGenerator().generate()).toMatch(/^cmd_[0-9a-f]+_[0-9a-f]{16}$/);
    const simple = new SimpleIdGenerator('job');
    expect([simple.generate(), simple.generate()]).toEqual(['job-1', 'job-2']);
    const previous = getIdGenerator();
    setIdGenerator(new SimpleIdGenerator('x'));
    expect(generateId()).toBe('x-1');
    setIdGenerator(previous);
    expect(generateId()).toMatch(ID_PATTERN);
  });
});
