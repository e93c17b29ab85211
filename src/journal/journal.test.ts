import { describe, expect, it } from 'vitest';
import { Rng } from '../../test/support/fuzz-gen.js';
import { Journal, UNREADABLE_KEPT_CHARS, VIEW_MAX_DEPTH, maskRaw, truncateUnreadable, viewEntry } from './journal.js';

const entry = (orderId: string) => ({ at: 0, wallAt: 0, direction: 'in' as const, channel: 'api' as const, raw: '{}', orderId });

describe('Journal', () => {
  it('keeps entries in order and filters by order', () => {
    const j = new Journal(10);
    j.add(entry('A'));
    j.add(entry('B'));
    j.add(entry('A'));
    expect(j.query({ orderId: 'A' }).map((e) => e.seq)).toEqual([1, 3]);
    expect(j.query({ sinceSeq: 1 }).map((e) => e.seq)).toEqual([2, 3]);
    expect(j.query({ limit: 1 }).map((e) => e.seq)).toEqual([3]);
  });

  it('is bounded: the oldest fall off and are counted', () => {
    const j = new Journal(3);
    for (let i = 0; i < 10; i++) j.add(entry(String(i)));
    expect(j.size).toBe(3);
    expect(j.dropped).toBe(7);
    expect(j.all().map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(j.lastSeq).toBe(10);
  });

  it('matches a plain list over 6,000 seeded entries: both bounds, growing past 1,024 slots, queries, clear and restore', () => {
    const rng = new Rng(11);
    const rnd = (n: number) => rng.int(0, n - 1);
    const limit = 1500;
    const limitChars = 40_000;
    const j = new Journal(limit, limitChars);
    let model: { seq: number; orderId: string; channel: 'api' | 'notice'; raw: string; note?: string }[] = [];
    let dropped = 0;
    let seq = 0;
    const chars = () => model.reduce((n, e) => n + e.raw.length + (e.note?.length ?? 0), 0);
    for (let step = 0; step < 6000; step++) {
      if (step === 4000) {
        j.clear();
        model = [];
        dropped = 0;
      }
      // mostly small entries (the count bound), now and then a large one (the characters bound)
      const raw = 'r'.repeat(rnd(50) === 0 ? 5000 + rnd(30_000) : rnd(40));
      const e = { at: step, wallAt: step, direction: 'in' as const, channel: rnd(2) ? ('api' as const) : ('notice' as const), raw, orderId: `O${rnd(7)}`, ...(rnd(9) === 0 ? { note: 'n'.repeat(rnd(100)) } : {}) };
      j.add(e);
      model.push({ seq: ++seq, orderId: e.orderId, channel: e.channel, raw, ...(e.note !== undefined ? { note: e.note } : {}) });
      while (model.length > limit || (chars() > limitChars && model.length > 1)) {
        model.shift();
        dropped++;
      }
      if (step % 97 === 0 || step === 5999) {
        expect(j.size).toBe(model.length);
        expect(j.dropped).toBe(dropped);
        expect(j.sizeChars).toBe(chars());
        expect(j.firstSeq).toBe(model[0]!.seq);
        const orderId = `O${rnd(7)}`;
        const since = model[rnd(model.length)]!.seq;
        const want = model.filter((m) => m.orderId === orderId && m.channel === 'api' && m.seq > since);
        const got = j.query({ orderId, channel: 'api', sinceSeq: since, limit: 50 });
        expect(got.map((g) => [g.seq, g.raw, g.orderId])).toEqual(want.slice(-50).map((m) => [m.seq, m.raw, m.orderId]));
      }
    }
    const back = new Journal(limit, limitChars);
    back.restore(j.all(), j.dropped);
    expect(back.all()).toEqual(j.all());
    expect(back.lastSeq).toBe(j.lastSeq);
  });

  it('masks mobiles and card numbers in views, but not structured fields', () => {
    const raw = '{"trxInfo":{"mobile":"+85290000001","txnTime":"20261125173000","note":"card 6212345600000010","merId":"123456789012345"}}';
    const m = maskRaw(raw);
    expect(m).not.toContain('+85290000001');
    expect(m).not.toContain('6212345600000010');
    expect(m).toContain('20261125173000');
    expect(m).toContain('123456789012345');
    const url = 'http://x/login?request_data=%7B%22mobile%22%3A%22%2B85290000001%22%7D';
    expect(maskRaw(url)).not.toContain('85290000001');
    const v = viewEntry({ ...entry('A'), seq: 1, raw });
    expect(JSON.stringify(v.parsed)).not.toContain('+85290000001');
  });
});

describe('views of hostile entries (issue 10 rows 1 and 6)', () => {
  const hostile = (raw: string, seq = 1) => ({ ...entry('A'), seq, raw });

  it('20 entries of 64 KB of \\" (unreadable, kept whole here) view in linear time', () => {
    const entries = Array.from({ length: 20 }, (_, i) => hostile('\\"'.repeat(32 * 1024), i + 1));
    const started = performance.now();
    const views = entries.map(viewEntry);
    const ms = performance.now() - started;
    expect(views.every((v) => v.raw.length === 64 * 1024 && v.parsed === undefined)).toBe(true);
    // linear: ~1 ms; the backtracking masker took 33 s for these
    expect(ms).toBeLessThan(500);
  });

  it('5,000 nested arrays: the view leaves the parsed form out and can be written as JSON', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const v = viewEntry(hostile(deep));
    expect(v.parsed).toBeUndefined();
    expect(() => JSON.stringify(v)).not.toThrow();
    const inObject = viewEntry(hostile(`{"msgInfo":${deep}}`));
    expect(inObject.parsed).toBeUndefined();
    expect(() => JSON.stringify(inObject)).not.toThrow();
  });

  it(`keeps the parsed form up to ${VIEW_MAX_DEPTH} levels`, () => {
    const at = (n: number) => '['.repeat(n - 1) + '{}' + ']'.repeat(n - 1);
    expect(viewEntry(hostile(at(VIEW_MAX_DEPTH))).parsed).toBeDefined();
    expect(viewEntry(hostile(at(VIEW_MAX_DEPTH + 1))).parsed).toBeUndefined();
  });

  it('an unreadable body is journalled truncated, and the entry says so', () => {
    const raw = '\\"'.repeat(32 * 1024);
    const t = truncateUnreadable(raw, raw.length);
    expect(t.raw).toBe(raw.slice(0, UNREADABLE_KEPT_CHARS));
    expect(t.note).toBe(`unreadable body: journalled truncated, its first ${UNREADABLE_KEPT_CHARS} characters of 65536 bytes`);
    expect(truncateUnreadable('not json', 8)).toEqual({ raw: 'not json' });
  });
});
