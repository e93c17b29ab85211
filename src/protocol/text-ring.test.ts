import { describe, expect, it } from 'vitest';
import { TextRing } from './text-ring.js';

/** Every kept text, read back by id. */
function kept(r: TextRing): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (let id = r.first; id < r.next; id++) out.push(r.get(id));
  return out;
}

describe('TextRing', () => {
  it('gives back each text by id, whether joined into a chunk or not', () => {
    const r = new TextRing(10);
    const texts = ['abc', 'de', '', 'fghij', '"é\u{1F600}"', 'k', 'lmnopqrstuvwxyz', 'x'];
    const ids = texts.map((t) => r.append(t));
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const [i, t] of texts.entries()) expect(r.get(i)).toBe(t);
    expect(r.get(8)).toBeUndefined();
    expect(r.get(-1)).toBeUndefined();
    expect(r.get(1.5)).toBeUndefined();
  });

  it.each([
    // [chunk size, texts appended, dropBefore, kept ids]
    [8, 20, 0, [0, 19]],
    [8, 20, 5, [5, 19]],
    [8, 20, 19, [19, 19]],
    [8, 20, 20, [20, 19]],
    [8, 20, 99, [20, 19]],
    [1000, 20, 7, [7, 19]],
    [1, 20, 13, [13, 19]],
  ])('chunks of %i chars, %i texts, dropBefore(%i): keeps exactly the ids asked for', (chunk, n, drop, [from, to]) => {
    const r = new TextRing(chunk);
    for (let i = 0; i < n; i++) r.append(`t${i}-${'.'.repeat(i % 4)}`);
    r.dropBefore(drop);
    expect(r.first).toBe(from);
    expect(r.next).toBe(n);
    for (let id = 0; id < n; id++) expect(r.get(id)).toBe(id >= from! && id <= to! ? `t${id}-${'.'.repeat(id % 4)}` : undefined);
  });

  it('lets chunks go once their last text is dropped: what it holds stays bounded', () => {
    const r = new TextRing(1000);
    const text = 'x'.repeat(100);
    for (let i = 0; i < 100_000; i++) {
      r.append(text);
      if (i >= 50) r.dropBefore(i - 49);
    }
    expect(kept(r)).toHaveLength(50);
    expect(kept(r).every((t) => t === text)).toBe(true);
    // 50 texts of 100 chars, at most one chunk of 1,000 or more holding dropped ones besides
    expect(r.heldChars).toBeLessThanOrEqual(50 * 100 + 1100);
  });

  it('clear() forgets everything; ids go on from where they were', () => {
    const r = new TextRing(4);
    for (let i = 0; i < 10; i++) r.append(`text ${i}`);
    r.clear();
    expect(kept(r)).toEqual([]);
    expect(r.get(3)).toBeUndefined();
    expect(r.heldChars).toBe(0);
    expect(r.append('again')).toBe(10);
    expect(r.get(10)).toBe('again');
  });

  it('a dropBefore lower than what is already dropped changes nothing', () => {
    const r = new TextRing(4);
    for (let i = 0; i < 10; i++) r.append(`text ${i}`);
    r.dropBefore(6);
    r.dropBefore(2);
    expect(r.first).toBe(6);
    expect(kept(r)).toEqual(['text 6', 'text 7', 'text 8', 'text 9']);
  });
});
