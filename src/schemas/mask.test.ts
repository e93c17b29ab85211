import { describe, expect, it } from 'vitest';
import { maskCardNumbers, maskEncodedMobiles, maskField, maskJsonText, maskMobile } from './mask.js';

describe('maskMobile', () => {
  it.each([
    ['+85290000001', '+85*******01'],
    ['85290000001', '852******01'],
    ['123456', '123*56'],
    ['+8529000000A', '+85*******0A'],
    ['12345678901234567890', '123***************90'],
  ])('%s → %s', (input, masked) => {
    expect(maskMobile(input)).toBe(masked);
  });

  it('keeps the length and at most the first 3 and last 2 characters', () => {
    for (const m of ['+85290000001', '+85290000002', '1234567', '+8613800138000']) {
      const out = maskMobile(m);
      expect(out).toHaveLength(m.length);
      expect(out.slice(0, 3)).toBe(m.slice(0, 3));
      expect(out.slice(-2)).toBe(m.slice(-2));
      expect(out.slice(3, -2)).toMatch(/^\*+$/);
      expect(out).not.toContain(m.slice(3, -2));
    }
  });

  it.each(['', '1', '12', '+852', '12345'])('hides a value of 5 characters or fewer entirely (%j)', (v) => {
    expect(maskMobile(v)).toBe('*'.repeat(v.length));
  });
});

describe('maskCardNumbers', () => {
  it.each([
    ['4111111111111111', '411111******1111'],
    ['6212345678901234567', '621234*********4567'],
    ['1234567890123', '123456***0123'],
  ])('masks a %s-shaped run of 13–19 digits, keeping first 6 and last 4', (input, masked) => {
    expect(maskCardNumbers(input)).toBe(masked);
  });

  it('masks every card-shaped run inside text and leaves the rest alone', () => {
    expect(maskCardNumbers('card 4111111111111111 and 6212345678901234567, ok')).toBe(
      'card 411111******1111 and 621234*********4567, ok',
    );
    expect(maskCardNumbers('pan=4111111111111111;')).toBe('pan=411111******1111;');
    expect(maskCardNumbers('A4111111111111111Z')).toBe('A411111******1111Z');
  });

  it('leaves runs shorter than 13 or longer than 19 digits untouched', () => {
    for (const s of ['123456789012', '12345678901234567890', '612026112517300000001', 'amount 1234', '']) {
      expect(maskCardNumbers(s)).toBe(s);
    }
  });

  it('does not mask part of a longer digit run', () => {
    const tn = '612026112517300000001'; // 21 digits: a tn, not a card
    expect(maskCardNumbers(`tn ${tn}`)).toBe(`tn ${tn}`);
  });
});

describe('maskField', () => {
  it('masks mobile values as mobiles', () => {
    expect(maskField('mobile', '+85290000001')).toBe('+85*******01');
  });

  it('masks card-shaped digits in any other string field', () => {
    expect(maskField('orderDesc', 'paid with 4111111111111111')).toBe('paid with 411111******1111');
    expect(maskField('userId', 'user-001')).toBe('user-001');
    expect(maskField('txnAmt', '12.34')).toBe('12.34');
  });

  it('returns values that are not strings unchanged', () => {
    const obj = { mobile: '+85290000001' };
    expect(maskField('mobile', 85290000001)).toBe(85290000001);
    expect(maskField('txnAmt', 1234)).toBe(1234);
    expect(maskField('trxInfo', obj)).toBe(obj);
    expect(maskField('mobile', null)).toBeNull();
    expect(maskField('mobile', undefined)).toBeUndefined();
  });
});

describe('maskJsonText', () => {
  it('masks string values by their key, leaving every other byte as it is', () => {
    const raw = '{ "trxInfo" : { "mobile" :\t"+85290000001", "orderDesc":"card 6212345600000010", "merId":"123456789012345", "n": 4111111111111111 } }';
    expect(maskJsonText(raw)).toBe('{ "trxInfo" : { "mobile" :\t"+85*******01", "orderDesc":"card 621234******0010", "merId":"123456789012345", "n": 4111111111111111 } }');
  });

  it('reads escaped quotes as part of a string, and strings in arrays or after other values as no keys', () => {
    expect(maskJsonText('{"a\\\\":"x","orderDesc":"say \\"4111111111111111\\""}')).toBe('{"a\\\\":"x","orderDesc":"say \\"411111******1111\\""}');
    expect(maskJsonText('["mobile", "+85290000001"]')).toBe('["mobile", "+85290000001"]');
    expect(maskJsonText('{"x":1,"mobile":"+85290000001"}')).toBe('{"x":1,"mobile":"+85*******01"}');
  });

  it('leaves text that is no JSON, or stops inside a string, as it is from there', () => {
    for (const t of ['', 'plain text 4111111111111111', '"unterminated', '{"mobile":"+852900', '\\"'.repeat(10)]) expect(maskJsonText(t)).toBe(t);
    expect(maskJsonText('{"mobile":"+85290000001","note":"unterminated')).toBe('{"mobile":"+85*******01","note":"unterminated');
  });

  // issue 10 row 1: 20 bodies of 64 KB of \" took 33 s to mask (a backtracking regular expression)
  it('is linear in the text, whatever it holds: hostile bodies of 1 MB each mask in well under a second', () => {
    const mb = 1 << 20;
    const hostile = [
      '\\"'.repeat(mb / 2), // every quote escaped: one string that never ends
      '"'.repeat(mb), // empty strings side by side
      '"a":'.repeat(mb / 4), // keys with no values
      '{"mobile":"'.repeat(mb / 11), // values that never end
      '"k" : '.repeat(mb / 6) + '"',
      '[' .repeat(mb / 2) + ']'.repeat(mb / 2),
    ];
    const started = performance.now();
    for (const t of hostile) expect(maskJsonText(t)).toHaveLength(t.length);
    // linear: tens of ms per MB (measured ~25 ms); the quadratic reading of these inputs takes hours
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('maskEncodedMobiles', () => {
  it('masks the mobile of a percent-encoded message (request_data)', () => {
    expect(maskEncodedMobiles('http://x/login?request_data=%7B%22mobile%22%3A%22%2B85290000001%22%7D')).toBe('http://x/login?request_data=%7B%22mobile%22%3A%22+85*******01%22%7D');
  });

  it('masks a broken percent-encoding as it stands, never throws', () => {
    expect(maskEncodedMobiles('%22mobile%22%3A%22%E0%A4%A%22')).toBe(`%22mobile%22%3A%22${maskMobile('%E0%A4%A')}%22`);
  });

  it('is linear: 1 MB of openings that never close masks in well under a second', () => {
    const t = '%22mobile%22%3A%22'.repeat((1 << 20) / 18);
    const started = performance.now();
    expect(maskEncodedMobiles(t)).toBe(t);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
