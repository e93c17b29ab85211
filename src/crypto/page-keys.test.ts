import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAGE_KEY_LENGTH, PageKeys } from './page-keys.js';

describe('PageKeys', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });

  it('a key per page: 22 base64url characters (132 bits), stable for one private key', () => {
    const a = PageKeys.fromPrivateKey(privateKey);
    const k = a.key('pay', '202611251730000000001');
    expect(k).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(PAGE_KEY_LENGTH * 6).toBeGreaterThanOrEqual(96);
    expect(PageKeys.fromPrivateKey(privateKey).key('pay', '202611251730000000001')).toBe(k); // a restart on the same keys
    expect(a.key('pay', '202611251730000000002')).not.toBe(k);
    expect(a.key('other', '202611251730000000001')).not.toBe(k);
    expect(PageKeys.random().key('pay', '202611251730000000001')).not.toBe(k);
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    expect(PageKeys.fromPrivateKey(other).key('pay', '202611251730000000001')).not.toBe(k);
  });

  it('matches only the key itself; anything else (wrong, short, not a string, multi-byte) is no match and no throw', () => {
    const a = PageKeys.fromPrivateKey(privateKey);
    const tn = '202611251730000000001';
    const k = a.key('pay', tn);
    expect(a.matches('pay', tn, k)).toBe(true);
    for (const bad of [undefined, 7, ['x'], '', k.slice(0, 21), `${k}A`, `${k.slice(0, 21)}é`, k.toLowerCase() === k ? k.toUpperCase() : k.toLowerCase()]) {
      expect(a.matches('pay', tn, bad), String(bad)).toBe(false);
    }
    expect(a.matches('pay', '202611251730000000002', k)).toBe(false);
  });
});
