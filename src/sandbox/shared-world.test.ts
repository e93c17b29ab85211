import { describe, expect, it } from 'vitest';
import { itemsOf, mergeWorld, sameWorld } from './shared-world.js';

describe('mergeWorld (what the control API set, shared by instances)', () => {
  it("keeps what another instance wrote and applies this one's own changes since it last looked, item by item", () => {
    const base = { outcome: 'decline', 'answerFault:1': { id: 1, remaining: 2 } };
    // the other instance took the outcome and added a forced answer
    const remote = { 'answerFault:1': { id: 1, remaining: 2 }, 'forced:1': { code: '34' } };
    // this one spent one use of the fault and added a notice fault
    const local = { outcome: 'decline', 'answerFault:1': { id: 1, remaining: 1 }, 'noticeFault:1': { id: 1, action: 'hold' } };
    expect(mergeWorld(remote, local, base)).toEqual({ 'answerFault:1': { id: 1, remaining: 1 }, 'forced:1': { code: '34' }, 'noticeFault:1': { id: 1, action: 'hold' } });
    // an item removed here (spent) is removed there too
    expect(mergeWorld(remote, { outcome: 'decline' }, base)).toEqual({ 'forced:1': { code: '34' } });
    // nothing changed here: the other's, as it is
    expect(mergeWorld(remote, base, base)).toEqual(remote);
  });

  it('compares worlds and lists items in the order of their numbers', () => {
    expect(sameWorld({ a: 1, b: [2] }, { b: [2], a: 1 })).toBe(true);
    expect(sameWorld({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(itemsOf({ 'forced:10': 'x', 'forced:2': 'y', 'forcedX:1': 'z', outcome: 'w' }, 'forced')).toEqual([
      { id: 2, value: 'y' },
      { id: 10, value: 'x' },
    ]);
  });
});
