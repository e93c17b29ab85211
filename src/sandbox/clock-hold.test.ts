import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { UcspError } from '../errors/index.js';
import { ClockHold } from './clock-hold.js';

describe('ClockHold: a run takes the clock over and gives it back', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds the clock manual, renews for its holder, gives back the scale it had', () => {
    const clock = new VirtualClock({ scale: 60 });
    const hold = new ClockHold(clock);
    const h = hold.hold(10_000);
    expect(h.previousScale).toBe(60);
    expect(clock.timeScale).toBe(0);
    const before = clock.now();
    vi.advanceTimersByTime(5_000);
    expect(clock.now()).toBe(before); // manual: real time does not move it
    expect(hold.hold(10_000, h.holder).holder).toBe(h.holder); // renewed
    vi.advanceTimersByTime(8_000); // past the first lease, within the renewed one
    expect(clock.timeScale).toBe(0);
    expect(hold.release(h.holder)).toEqual({ timeScale: 60 });
    expect(hold.info).toBeUndefined();
  });

  it('refuses a second holder (409-kind error) and an unknown one (404-kind)', () => {
    const hold = new ClockHold(new VirtualClock({ scale: 1 }));
    const h = hold.hold(10_000);
    expect(() => hold.hold(10_000)).toThrow(UcspError);
    try {
      hold.hold(10_000);
    } catch (e) {
      expect((e as UcspError).kind).toBe('incorrect');
      expect((e as Error).message).toMatch(/another conformance run/);
    }
    expect(() => hold.hold(10_000, 'nobody')).toThrow(/not the current one/);
    expect(() => hold.release('nobody')).toThrow(/no hold nobody/);
    hold.release(h.holder);
    expect(() => hold.hold(10_000, h.holder)).toThrow(/ran out or was released/);
  });

  it('a lease that runs out gives the clock back by itself (a run that died)', () => {
    const clock = new VirtualClock({ scale: 1 });
    const hold = new ClockHold(clock);
    hold.hold(10_000);
    vi.advanceTimersByTime(9_999);
    expect(clock.timeScale).toBe(0);
    vi.advanceTimersByTime(1);
    expect(clock.timeScale).toBe(1);
    expect(hold.info).toBeUndefined();
  });
});
