import { describe, expect, it } from 'vitest';
import { TextRing } from './text-ring.js';

/** Every kept text, read back by id. */
function kept(r: TextRing): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (let id = r.first; id < r.next; id++) out.push(r.get(id));
  return out;
}

describe('TextRing', () => {
  it('gives back each text by id, exactly: any characters, lone surrogates, texts larger than a chunk', () => {
    const r = new TextRing(10);
    const texts = ['abc', 'de', '', 'fghij', '"é\u{1F600}"', 'k', 'lmnopqrstuvwxyz', 'x', 'a\ud800b', '\udc00', '兩杯咖啡', 'y'.repeat(25), 'z'];
    const ids = texts.map((t) => r.append(t));
    expect(ids).toEqual(texts.map((_, i) => i));
    for (const [i, t] of texts.entries()) expect(r.get(i)).toBe(t);
    expect(r.get(texts.length)).toBeUndefined();
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
  ])('chunks of %i bytes, %i texts, dropBefore(%i): keeps exactly the ids asked for', (chunk, n, drop, [from, to]) => {
    const r = new TextRing(chunk);
    for (let i = 0; i < n; i++) r.append(`t${i}-${'.'.repeat(i % 4)}`);
    r.dropBefore(drop);
    expect(r.first).toBe(from);
    expect(r.next).toBe(n);
    for (let id = 0; id < n; id++) expect(r.get(id)).toBe(id >= from! && id <= to! ? `t${id}-${'.'.repeat(id % 4)}` : undefined);
  });

  it('writes chunks again once their texts are all let go: what it holds stays bounded', () => {
    const r = new TextRing(1000);
    for (let i = 0; i < 100_000; i++) {
      r.append(`${'x'.repeat(90)}${String(i).padStart(10, '0')}`);
      if (i >= 50) r.dropBefore(i - 49);
    }
    expect(kept(r)).toEqual(Array.from({ length: 50 }, (_, k) => `${'x'.repeat(90)}${String(99_950 + k).padStart(10, '0')}`));
    // 50 texts of 100 bytes: five chunks' worth, one more partly let go, one spare
    expect(r.heldBytes).toBeLessThanOrEqual(7 * 1000);
  });

  it('clear() forgets everything; ids go on from where they were', () => {
    const r = new TextRing(4);
    for (let i = 0; i < 10; i++) r.append(`text ${i}`);
    r.clear();
    expect(kept(r)).toEqual([]);
    expect(r.get(3)).toBeUndefined();
    expect(r.heldBytes).toBeLessThanOrEqual(4);
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
