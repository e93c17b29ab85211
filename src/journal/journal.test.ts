import { describe, expect, it } from 'vitest';
import { Journal, maskRaw, viewEntry } from './journal.js';

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
