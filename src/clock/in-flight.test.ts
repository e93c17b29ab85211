import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.js';
import { VirtualClock } from './virtual-clock.js';

describe('InFlight', () => {
  it('registers work, lists it with its age, and wakes waiters on every change', async () => {
    let now = 1_000;
    const f = new InFlight(() => now);
    const woke: string[] = [];
    void f.changed().then(() => woke.push('begin'));
    const done = f.begin('notice', 'N1 to http://x', 'O1');
    await Promise.resolve();
    expect(woke).toEqual(['begin']);
    now = 3_500;
    expect(f.list()).toEqual([{ id: 1, kind: 'notice', what: 'N1 to http://x', orderId: 'O1', since: 1_000, ageMs: 2_500 }]);
    void f.changed().then(() => woke.push('end'));
    done();
    done(); // a second call changes nothing
    await Promise.resolve();
    expect(woke).toEqual(['begin', 'end']);
    expect(f.size).toBe(0);
  });

  it('tracks a promise until it settles, rejections included', async () => {
    const f = new InFlight();
    let fail!: (e: Error) => void;
    const p = f.track('api', 'signing', new Promise((_r, reject) => (fail = reject)));
    expect(f.size).toBe(1);
    fail(new Error('boom'));
    await expect(p).rejects.toThrow('boom');
    expect(f.size).toBe(0);
  });

  it('the clock registers running timer callbacks (with their labels) and advances', async () => {
    const f = new InFlight();
    const clock = new VirtualClock({ scale: 0, inFlight: f });
    let finish!: () => void;
    const seen: string[] = [];
    clock.setTimeout(1_000, () => new Promise<void>((r) => (finish = r)), 'attempt 1 of N1');
    const advancing = clock.advance(1_000);
    await new Promise((r) => setImmediate(r));
    for (const i of f.list()) seen.push(`${i.kind}: ${i.what}`);
    expect(seen).toEqual(['clock: advancing the clock by 1000 ms', 'timer: attempt 1 of N1']);
    finish();
    await advancing;
    expect(f.size).toBe(0);
  });
});

describe('VirtualClock.setScale', () => {
  it('keeps virtual time continuous across a change of scale and never goes back', () => {
    let real = 0;
    const clock = new VirtualClock({ scale: 1, start: 1_000_000, realNow: () => real });
    real = 10_000;
    expect(clock.now()).toBe(1_010_000);
    clock.setScale(0);
    real = 50_000;
    expect(clock.now()).toBe(1_010_000); // manual: stands still
    clock.setScale(60);
    real = 51_000;
    expect(clock.now()).toBe(1_070_000); // a real second is a virtual minute from here
    expect(() => clock.setScale(-1)).toThrow(RangeError);
  });

  it('hasDueTimer tells whether a timer is due at the current virtual time', async () => {
    const clock = new VirtualClock({ scale: 0, start: 0, realNow: () => 0 });
    clock.setTimer(10, () => {});
    expect(clock.hasDueTimer()).toBe(false);
    await clock.advance(10);
    expect(clock.hasDueTimer()).toBe(false);
    clock.setTimer(clock.now(), () => {});
    expect(clock.hasDueTimer()).toBe(true);
    clock.close();
  });
});
