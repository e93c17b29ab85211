import { describe, expect, it, vi } from 'vitest';
import { VirtualClock } from './virtual-clock.js';

function manual(start = 1_000_000) {
  let real = 0;
  const clock = new VirtualClock({ scale: 0, start, realNow: () => real });
  return { clock, tick: (ms: number) => (real += ms) };
}

describe('VirtualClock', () => {
  it('in manual mode time moves only when advanced', async () => {
    const { clock, tick } = manual();
    tick(5000);
    expect(clock.now()).toBe(1_000_000);
    await clock.advance(250);
    expect(clock.now()).toBe(1_000_250);
  });

  it('fires due timers in order, each at its own virtual time, and awaits them', async () => {
    const { clock } = manual(0);
    const seen: [string, number][] = [];
    clock.setTimer(300, () => void seen.push(['c', clock.now()]));
    clock.setTimer(100, async () => {
      await new Promise((r) => setImmediate(r));
      seen.push(['a', clock.now()]);
    });
    clock.setTimer(100, () => void seen.push(['b', clock.now()]));
    clock.setTimer(900, () => void seen.push(['late', clock.now()]));
    await clock.advance(500);
    expect(seen).toEqual([
      ['a', 100],
      ['b', 100],
      ['c', 300],
    ]);
    expect(clock.now()).toBe(500);
    expect(clock.pendingTimers).toBe(1);
  });

  it('fires timers set by timers when they fall due within the same advance (a 6 h retry schedule)', async () => {
    const { clock } = manual(0);
    const schedule = [0, 15, 30, 60, 300, 900, 3600, 21600].map((s) => s * 1000);
    const attempts: number[] = [];
    const attempt = (i: number) => {
      attempts.push(clock.now());
      if (i + 1 < schedule.length) clock.setTimer(schedule[i + 1]!, () => attempt(i + 1));
    };
    clock.setTimer(0, () => attempt(0));
    await clock.advance(6 * 3600 * 1000);
    expect(attempts).toEqual(schedule);
  });

  it('work set going in the background at one instant runs together; time moves on only when it is done', async () => {
    const { clock } = manual(0);
    const gates: (() => void)[] = [];
    const started: string[] = [];
    const work = (name: string) => () => {
      started.push(`${name}@${clock.now()}`);
      clock.background(new Promise<void>((r) => gates.push(r)));
    };
    clock.setTimer(100, work('a'));
    clock.setTimer(100, work('b'));
    clock.setTimer(200, work('c'));
    let returned = false;
    const advancing = clock.advance(1000).then(() => (returned = true));
    while (gates.length < 2) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['a@100', 'b@100']); // both in flight, neither waited for before the other
    expect(clock.now()).toBe(100); // held while their answers are awaited
    gates[1]!();
    await new Promise((r) => setImmediate(r));
    expect(started).toHaveLength(2);
    gates[0]!();
    while (gates.length < 3) await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['a@100', 'b@100', 'c@200']);
    expect(returned).toBe(false);
    gates[2]!();
    await advancing;
    expect(clock.now()).toBe(1000);
    expect(clock.runningCount).toBe(0);
  });

  it('work that does not hold time is not waited for by an advance, but by settle', async () => {
    const { clock } = manual(0);
    let release!: () => void;
    let ended = false;
    clock.setTimer(100, () => clock.background(new Promise<void>((r) => (release = r)).then(() => void (ended = true)), 'loose', false));
    await clock.advance(1000);
    expect(clock.now()).toBe(1000);
    expect(ended).toBe(false);
    expect(clock.runningCount).toBe(1);
    const settling = clock.settle();
    release();
    await settling;
    expect(ended).toBe(true);
  });

  it('cleared timers do not fire; a failing timer does not stop the clock', async () => {
    const { clock } = manual(0);
    let fired = 0;
    const id = clock.setTimer(10, () => void fired++);
    clock.setTimer(20, () => {
      throw new Error('boom');
    });
    clock.setTimer(30, () => void fired++);
    clock.clearTimer(id);
    await clock.advance(100);
    expect(fired).toBe(1);
  });

  it('scaled mode runs N times faster than real time', () => {
    let real = 0;
    const clock = new VirtualClock({ scale: 60, start: 0, realNow: () => real });
    real = 1000;
    expect(clock.now()).toBe(60_000);
    clock.close();
  });

  it('real mode fires timers by itself, never before their time', async () => {
    // Judged on the clock's own readings, not on how long the machine took: the virtual time
    // seen inside the callback is at least the time the timer was set for, however late it ran.
    const clock = new VirtualClock({ scale: 1000 });
    const at = clock.now() + 2000;
    const fired = new Promise<number>((resolve) => clock.setTimer(at, () => resolve(clock.now())));
    expect(await fired).toBeGreaterThanOrEqual(at);
    expect(clock.pendingTimers).toBe(0);
    clock.close();
  });

  it('real mode fires a timer when real time reaches it, and not before (timers and Date faked)', async () => {
    // Node's timers and Date under vitest's control: the clock's own real timeout runs exactly
    // when told, so this judges the clock's arithmetic, not the machine's speed.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const clock = new VirtualClock({ scale: 1000 });
      const at = clock.now() + 2000;
      const seen: number[] = [];
      clock.setTimer(at, () => void seen.push(clock.now()));
      await vi.advanceTimersByTimeAsync(1); // 1 real ms = 1000 virtual ms: not due yet
      expect(seen).toEqual([]);
      expect(clock.pendingTimers).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(seen).toEqual([at]);
      expect(clock.pendingTimers).toBe(0);
      clock.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects bad scales and advances', async () => {
    expect(() => new VirtualClock({ scale: -1 })).toThrow(RangeError);
    await expect(manual().clock.advance(-5)).rejects.toThrow(RangeError);
  });
});

describe('VirtualClock manual mode, due timers', () => {
  it('runs a timer due now without an advance, but not a future one', async () => {
    const clock = new VirtualClock({ scale: 0, start: 0 });
    let later = 0;
    const ran = new Promise<number>((resolve) => clock.setTimer(0, () => resolve(clock.now())));
    clock.setTimer(10, () => void later++);
    expect(await ran).toBe(0);
    await clock.settle();
    expect(later).toBe(0);
    clock.close();
  });
});

describe('VirtualClock.jumpAheadIfIdle (an instance following the shared clock)', () => {
  it('jumps at once when nothing falls due on the way, and refuses (changing nothing) when something would', async () => {
    const clock = new VirtualClock({ scale: 0, start: 1_000 });
    expect(clock.jumpAheadIfIdle(500)).toBe(true); // never back
    expect(clock.now()).toBe(1_000);
    let fired = 0;
    clock.setTimer(5_000, () => void fired++);
    expect(clock.jumpAheadIfIdle(4_999)).toBe(true);
    expect(clock.now()).toBe(4_999);
    expect(clock.jumpAheadIfIdle(5_000)).toBe(false); // the timer would be skipped
    expect(clock.now()).toBe(4_999);
    expect(fired).toBe(0);
    const advancing = clock.advance(1);
    expect(clock.jumpAheadIfIdle(4_999 + 10)).toBe(false); // an advance is under way
    await advancing;
    expect(fired).toBe(1);
    expect(clock.jumpAheadIfIdle(9_000)).toBe(true);
    expect(clock.now()).toBe(9_000);
    clock.close();
  });
});
