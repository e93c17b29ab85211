/** The login hand-offs the sandbox sends on purpose (PROFILE §6.1): each is broken exactly as named. */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certInfoFromPem, generateTestKeys, TrustStore, verifyMessage, type SignerCredentials } from '../crypto/index.js';
import { parseUcspTime } from '../protocol/time.js';
import { buildHandoff, otherInsId, type HandoffInput } from './login-handoff.js';

const keys = generateTestKeys();
const cert = certInfoFromPem(keys.ucsp.certPem);
const ucsp: SignerCredentials = { privateKey: createPrivateKey(keys.ucsp.keyPem), certificate: cert };
const stranger: SignerCredentials = { privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, certificate: cert };
const trust = new TrustStore([cert]);
const NOW = Date.UTC(2026, 10, 25, 9, 30, 0);
let seq = 0;

const build = (tamper?: HandoffInput['tamper']) =>
  buildHandoff({
    user: { userId: 'user-002', mobile: '+85290000002' },
    channelCode: 'UPWALLET',
    industryCode: 'PARKING01',
    insID: '12345678',
    zone: '+08:00',
    variant: 'SHA256withRSA',
    wallNow: NOW,
    msgID: (ts) => `U12345678${ts}${String(++seq).padStart(6, '0')}`,
    ucsp,
    stranger: () => stranger,
    ...(tamper ? { tamper } : {}),
  });
const parsed = (text: string) => JSON.parse(text) as { msgInfo: Record<string, string>; certificateSignature?: Record<string, string> };

describe('buildHandoff', () => {
  it('without a tamper: the signed message, percent-encoded, that verifies with UCSP’s certificate', () => {
    const h = build();
    expect(decodeURIComponent(h.query)).toBe(h.text);
    expect(verifyMessage(h.text, trust).valid).toBe(true);
    expect(parsed(h.text).msgInfo).toMatchObject({ msgType: 'INDUSTRY_LOGIN_INFO', insID: '12345678', msgID: h.msgID, timeStamp: '20261125173000' });
  });

  it('future and stale: validly signed, timeStamp 10 minutes ahead or behind', () => {
    for (const [tamper, offset] of [['future', 600_000], ['stale', -600_000]] as const) {
      const h = build(tamper);
      expect(verifyMessage(h.text, trust).valid).toBe(true);
      expect(parseUcspTime(parsed(h.text).msgInfo.timeStamp!, '+08:00') - NOW).toBe(offset);
    }
  });

  it('other-ins-id: validly signed by UCSP for another institution', () => {
    const h = build('other-ins-id');
    expect(verifyMessage(h.text, trust).valid).toBe(true);
    expect(parsed(h.text).msgInfo.insID).toBe(otherInsId('12345678'));
    expect(otherInsId('12345678')).toMatch(/^[0-9]{8}$/);
    expect(otherInsId('12345678')).not.toBe('12345678');
    expect(otherInsId('99999999')).toMatch(/^[0-9]{8}$/);
  });

  it('unsigned: the placeholder "00000000" is still there; no-signature: no certificateSignature at all', () => {
    const unsigned = build('unsigned');
    expect(parsed(unsigned.text).certificateSignature).toEqual({ signCertID: cert.serial, signature: '00000000' });
    expect(verifyMessage(unsigned.text, trust).valid).toBe(false);
    const none = build('no-signature');
    expect(parsed(none.text).certificateSignature).toBeUndefined();
    expect(verifyMessage(none.text, trust).problem).toBe('no-signature');
  });

  it('signature and wrong-cert: a whole message whose signature does not verify', () => {
    for (const tamper of ['signature', 'wrong-cert'] as const) {
      const h = build(tamper);
      expect(() => parsed(h.text)).not.toThrow();
      expect(verifyMessage(h.text, trust).valid).toBe(false);
    }
  });

  it('bad-encoding: request_data cannot be percent-decoded', () => {
    const h = build('bad-encoding');
    expect(h.query.startsWith('%7G')).toBe(true);
    expect(h.text).toBe(h.query);
    expect(() => decodeURIComponent(h.query)).toThrow(URIError);
  });

  it('not-json: the login fields as key=value text; truncated: the signed text cut inside its signature', () => {
    const notJson = build('not-json');
    expect(decodeURIComponent(notJson.query)).toBe(notJson.text);
    expect(() => JSON.parse(notJson.text)).toThrow();
    expect(new URLSearchParams(notJson.text).get('userId')).toBe('user-002');
    const cut = build('truncated');
    expect(decodeURIComponent(cut.query)).toBe(cut.text);
    expect(() => JSON.parse(cut.text)).toThrow();
    expect(cut.text).toMatch(/"certificateSignature":\{"signCertID":"[0-9]+","signature":"[A-Za-z0-9+/]+$/);
  });
});
