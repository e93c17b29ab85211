import { describe, expect, it } from 'vitest';
import { editDistance, nearestNames } from './suggest.js';

describe('suggestions', () => {
  it('counts inserts, deletes, replacements and swapped neighbours as one edit each', () => {
    expect(editDistance('valid-handoff', 'valid-handoff')).toBe(0);
    expect(editDistance('handoff', 'handof')).toBe(1);
    expect(editDistance('handoff', 'hnadoff')).toBe(1);
    expect(editDistance('CREATED', 'CREATD')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('names the nearest known names within the distance, nearest first, ignoring case', () => {
    const known = ['login/valid-handoff#session-opened', 'login/valid-handoff#accepted', 'login/stale#refused'];
    expect(nearestNames('login/valid-handof#session-opened', known, 3)).toEqual(['login/valid-handoff#session-opened']);
    expect(nearestNames('LOGIN/STALE#REFUSED', known, 0)).toEqual(['login/stale#refused']);
    expect(nearestNames('refund/x#y', known, 3)).toEqual([]);
    expect(nearestNames('ab', ['ac', 'ad', 'ae', 'zz'], 1, 2)).toEqual(['ac', 'ad']);
    expect(nearestNames('abcd', ['abce', 'abxy', 'axyz'], 3)).toEqual(['abce', 'abxy']); // one edit farther than the nearest at most
  });
});
