/**
 * The msgID replay cache (PROFILE §3, §8): a byte-for-byte repeat gets the first answer again,
 * the same msgID with other content is a conflict (11); entries expire after a day; bounded.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../test/support/fuzz-gen.js';
import { DAY_MS, ReplayCache, type ReplayVerdict } from './replay-cache.js';

const T0 = 1_764_000_000_000;
const HOUR = 3600 * 1000;

describe('ReplayCache.check', () => {
  // [why, remembered? ({digest, at}), checked digest, checked at, expected verdict]
  const table: [string, { digest: string; at: number } | undefined, string, number, ReplayVerdict][] = [
    ['never seen', undefined, 'd1', T0, { kind: 'new' }],
    ['same digest at once', { digest: 'd1', at: T0 }, 'd1', T0, { kind: 'repeat', answer: 'A1' }],
    ['same digest an hour later', { digest: 'd1', at: T0 }, 'd1', T0 + HOUR, { kind: 'repeat', answer: 'A1' }],
    ['same digest just under a day later', { digest: 'd1', at: T0 }, 'd1', T0 + DAY_MS - 1, { kind: 'repeat', answer: 'A1' }],
    ['same digest just over a day later', { digest: 'd1', at: T0 }, 'd1', T0 + DAY_MS + 1, { kind: 'new' }],
    ['other digest at once', { digest: 'd1', at: T0 }, 'd2', T0, { kind: 'conflict' }],
    ['other digest just under a day later', { digest: 'd1', at: T0 }, 'd2', T0 + DAY_MS - 1, { kind: 'conflict' }],
    ['other digest just over a day later', { digest: 'd1', at: T0 }, 'd2', T0 + DAY_MS + 1, { kind: 'new' }],
    ['other digest two days later', { digest: 'd1', at: T0 }, 'd2', T0 + 2 * DAY_MS, { kind: 'new' }],
  ];
  it.each(table)('%s', (_why, remembered, digest, at, expected) => {
    const c = new ReplayCache();
    if (remembered) c.remember('M1', remembered.digest, 'A1', remembered.at);
    expect(c.check('M1', digest, at)).toEqual(expected);
  });

  it('a day is 24 h', () => {
    expect(DAY_MS).toBe(24 * HOUR);
  });

  it('msgIDs are independent', () => {
    const c = new ReplayCache();
    c.remember('M1', 'd1', 'A1', T0);
    c.remember('M2', 'd2', 'A2', T0);
    expect(c.check('M1', 'd1', T0)).toEqual({ kind: 'repeat', answer: 'A1' });
    expect(c.check('M2', 'd2', T0)).toEqual({ kind: 'repeat', answer: 'A2' });
    expect(c.check('M2', 'd1', T0)).toEqual({ kind: 'conflict' });
    expect(c.check('M3', 'd1', T0)).toEqual({ kind: 'new' });
  });

  it('checking does not remember', () => {
    const c = new ReplayCache();
    expect(c.check('M1', 'd1', T0)).toEqual({ kind: 'new' });
    expect(c.check('M1', 'd1', T0)).toEqual({ kind: 'new' });
    expect(c.size).toBe(0);
  });

  it('an expired msgID may be used again and is then remembered afresh', () => {
    const c = new ReplayCache();
    c.remember('M1', 'd1', 'A1', T0);
    const later = T0 + DAY_MS + HOUR;
    expect(c.check('M1', 'd2', later)).toEqual({ kind: 'new' });
    c.remember('M1', 'd2', 'A2', later);
    expect(c.size).toBe(1);
    expect(c.check('M1', 'd2', later + HOUR)).toEqual({ kind: 'repeat', answer: 'A2' });
    expect(c.check('M1', 'd1', later + HOUR)).toEqual({ kind: 'conflict' });
  });
});

describe('ReplayCache bounds', () => {
  it('keeps at most `limit` entries, evicting the oldest and counting them', () => {
    const c = new ReplayCache(3);
    for (let i = 1; i <= 5; i++) c.remember(`M${i}`, `d${i}`, `A${i}`, T0 + i);
    expect(c.size).toBe(3);
    expect(c.evicted).toBe(2);
    expect(c.dump().map(([id]) => id)).toEqual(['M3', 'M4', 'M5']);
    expect(c.check('M1', 'd1', T0 + 10)).toEqual({ kind: 'new' });
    expect(c.check('M2', 'd2', T0 + 10)).toEqual({ kind: 'new' });
    expect(c.check('M3', 'd3', T0 + 10)).toEqual({ kind: 'repeat', answer: 'A3' });
  });

  // [limit, entries remembered, expected size, expected evicted]
  const rows: [number, number, number, number][] = [
    [1, 1, 1, 0],
    [1, 4, 1, 3],
    [3, 3, 3, 0],
    [3, 10, 3, 7],
    [100, 10, 10, 0],
  ];
  it.each(rows)('limit %d, %d remembered → size %d, %d evicted', (limit, count, size, evicted) => {
    const c = new ReplayCache(limit);
    for (let i = 0; i < count; i++) c.remember(`M${i}`, 'd', 'A', T0);
    expect(c.size).toBe(size);
    expect(c.evicted).toBe(evicted);
  });

  it('remembering a msgID again replaces it without growing, and makes it the newest', () => {
    const c = new ReplayCache(2);
    c.remember('M1', 'd1', 'A1', T0);
    c.remember('M2', 'd2', 'A2', T0 + 1);
    c.remember('M1', 'd1b', 'A1b', T0 + 2);
    expect(c.size).toBe(2);
    expect(c.evicted).toBe(0);
    c.remember('M3', 'd3', 'A3', T0 + 3); // M2 is now the oldest
    expect(c.evicted).toBe(1);
    expect(c.dump().map(([id]) => id)).toEqual(['M1', 'M3']);
    expect(c.check('M1', 'd1b', T0 + 4)).toEqual({ kind: 'repeat', answer: 'A1b' });
  });

  it('the default limits: 200 000 digests, the newest 10 000 answers', () => {
    const c = new ReplayCache();
    for (let i = 0; i < 200_001; i++) c.remember(`M${i}`, 'd', 'A', T0);
    expect(c.size).toBe(200_000);
    expect(c.evicted).toBe(1);
    expect(c.answers).toBe(10_000);
    expect(c.check('M0', 'd', T0)).toEqual({ kind: 'new' });
    expect(c.check('M1', 'd', T0)).toEqual({ kind: 'repeat-unkept' });
    expect(c.check('M1', 'other', T0)).toEqual({ kind: 'conflict' });
    expect(c.check('M200000', 'd', T0)).toEqual({ kind: 'repeat', answer: 'A' });
  });

  it('an answer dropped from the kept ones still detects reuse with other content', () => {
    const c = new ReplayCache(10, 2);
    c.remember('A', 'da', 'answer-a', T0);
    c.remember('B', 'db', 'answer-b', T0);
    c.remember('C', 'dc', 'answer-c', T0);
    expect(c.check('A', 'da', T0)).toEqual({ kind: 'repeat-unkept' });
    expect(c.check('A', 'zz', T0)).toEqual({ kind: 'conflict' });
    expect(c.check('C', 'dc', T0)).toEqual({ kind: 'repeat', answer: 'answer-c' });
    c.remember('A', 'da', 'answer-a2', T0);
    expect(c.check('A', 'da', T0)).toEqual({ kind: 'repeat', answer: 'answer-a2' });
    expect(c.answers).toBe(2);
  });

  it('entries whose answer is no longer kept are judged as before: digest, time, a day (packed form)', () => {
    const c = new ReplayCache(10, 1);
    const digest = 'q+/Zr0AaQ9x1u2Vb3kLmNo'; // base64, as the gateway makes them
    const at = T0 + 0.5; // a virtual clock may stand between milliseconds
    const told: [string, unknown][] = [];
    c.listener = (id, e) => told.push([id, e]);
    c.remember('OLD', digest, 'answer-old', at);
    c.remember('NEW', 'dn', 'answer-new', T0 + 1);
    expect(told).toContainEqual(['OLD', { digest, at }]); // durable state told the answer is gone
    expect(c.check('OLD', digest, at + DAY_MS - 1)).toEqual({ kind: 'repeat-unkept' });
    expect(c.check('OLD', digest, at + DAY_MS + 1)).toEqual({ kind: 'new' });
    expect(c.check('OLD', `${digest}x`, at)).toEqual({ kind: 'conflict' });
    expect(c.dump()).toEqual([
      ['OLD', { digest, at }],
      ['NEW', { digest: 'dn', answer: 'answer-new', at: T0 + 1 }],
    ]);
  });

  it('restore takes entries with and without answers, and dump gives them back as they were', () => {
    const entries: [string, { digest: string; answer?: string; at: number }][] = [
      ['M1', { digest: 'd1', at: T0 }],
      ['M2', { digest: 'd2', answer: 'A2', at: T0 + 1 }],
    ];
    const c = new ReplayCache();
    c.restore(entries, 7);
    expect(c.dump()).toEqual(entries);
    expect(c.answers).toBe(1);
    expect(c.evicted).toBe(7);
    expect(c.check('M1', 'd1', T0)).toEqual({ kind: 'repeat-unkept' });
    expect(c.check('M2', 'd2', T0)).toEqual({ kind: 'repeat', answer: 'A2' });
  });

  it('clear forgets everything and resets the eviction count', () => {
    const c = new ReplayCache(1);
    c.remember('M1', 'd1', 'A1', T0);
    c.remember('M2', 'd2', 'A2', T0);
    expect(c.evicted).toBe(1);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.evicted).toBe(0);
    expect(c.check('M2', 'd2', T0)).toEqual({ kind: 'new' });
  });

  it('dump lists the entries with digest, answer and time', () => {
    const c = new ReplayCache();
    c.remember('M1', 'd1', 'A1', T0);
    expect(c.dump()).toEqual([['M1', { digest: 'd1', answer: 'A1', at: T0 }]]);
  });

  it('a reserved msgID (answer still being signed) is taken: the same bytes wait for its answer, other bytes conflict', async () => {
    const c = new ReplayCache();
    let sign!: (t: string) => void;
    const answer = new Promise<string>((r) => (sign = r));
    c.reserve('M1', 'd1', answer);
    const same = c.check('M1', 'd1', T0);
    expect(same.kind).toBe('pending');
    expect(c.check('M1', 'd2', T0)).toEqual({ kind: 'conflict' });
    sign('A1');
    expect(await (same as { answer: Promise<string> }).answer).toBe('A1');
    c.remember('M1', 'd1', 'A1', T0);
    expect(c.check('M1', 'd1', T0)).toEqual({ kind: 'repeat', answer: 'A1' });
  });

  it('a reservation whose signing fails is given up: the msgID is free again', async () => {
    const c = new ReplayCache();
    const failed = Promise.reject(new Error('worker died'));
    c.reserve('M1', 'd1', failed);
    await failed.catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    expect(c.check('M1', 'd2', T0)).toEqual({ kind: 'new' });
  });

  it('matches a plain model over 20,000 seeded operations: eviction, kept answers, re-remembering, restore, and what durable state is told', () => {
    // the model: entries in a Map (oldest first), each with the number of the remember that gave
    // its answer; an answer is kept while it is among the last `answerLimit` remembered
    const rng = new Rng(7);
    const rnd = (n: number) => rng.int(0, n - 1);
    const limit = 12;
    const answerLimit = 5;
    const c = new ReplayCache(limit, answerLimit);
    const told = new Map<string, unknown>();
    c.listener = (id, e) => void told.set(id, e);
    const model = new Map<string, { digest: string; at: number; n: number; answer: string }>();
    let remembered = 0;
    let evicted = 0;
    const keptInModel = (n: number) => n >= 0 && n >= remembered - answerLimit;
    for (let step = 0; step < 20_000; step++) {
      const id = `M${rnd(30)}`;
      const digest = `d${rnd(3)}`;
      const at = T0 + step;
      const op = rnd(20);
      if (op < 12) {
        const answer = `A${step}`;
        c.remember(id, digest, answer, at);
        model.delete(id);
        model.set(id, { digest, at, n: remembered++, answer });
        while (model.size > limit) {
          model.delete(model.keys().next().value as string);
          evicted++;
        }
      } else if (op === 19) {
        // a restart: durable state (what the listener was told) restored into a new cache
        const back = new ReplayCache(limit, answerLimit);
        const rows = [...told].filter((r): r is [string, { digest: string; answer?: string; at: number }] => r[1] !== undefined);
        const order = [...model.keys()];
        rows.sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
        back.restore(rows, c.evicted);
        expect(back.dump()).toEqual(c.dump());
      } else {
        const m = model.get(id);
        const expected: ReplayVerdict = !m ? { kind: 'new' } : m.digest !== digest ? { kind: 'conflict' } : keptInModel(m.n) ? { kind: 'repeat', answer: m.answer } : { kind: 'repeat-unkept' };
        expect(c.check(id, digest, at)).toEqual(expected);
      }
      expect(c.size).toBe(model.size);
      expect(c.evicted).toBe(evicted);
      expect(c.answers).toBe([...model.values()].filter((m) => keptInModel(m.n)).length);
      // durable state holds exactly the cache: every entry, with its answer while kept
      const durable = [...told].filter(([, e]) => e !== undefined);
      expect(new Map(durable)).toEqual(new Map(c.dump()));
    }
  });
});

