/** The package's public API, as a partner imports it from the built package. */
import { describe, expect, it } from 'vitest';

describe("import from 'ucsp-sandbox' (dist)", () => {
  it('exposes the message tools, the sandbox and the suite', async () => {
    const api = (await import('../../dist/src/index.js')) as Record<string, unknown>;
    for (const name of ['signMessage', 'verifyMessage', 'validateMessage', 'loadSigner', 'TrustStore', 'startSandbox', 'loadConfig', 'runConformance', 'defineScenario', 'writeTestKeys']) {
      expect(typeof api[name], name).toBe('function');
    }
  });

  it('signs, verifies and lints with the built validators', async () => {
    const api = await import('../../dist/src/index.js');
    const keys = api.generateTestKeys();
    const { createPrivateKey } = await import('node:crypto');
    const signer = { privateKey: createPrivateKey(keys.partner.keyPem), certificate: api.certInfoFromPem(keys.partner.certPem) };
    const msg = {
      msgInfo: { versionNo: '1.0.0', msgID: 'P1', timeStamp: '20261125173000', msgType: 'PAYMENT_RESULT_INQUIRY', insID: '12345678' },
      trxInfo: { orderId: 'ORD12345678', merId: '123456789012345' },
    };
    const text = api.signMessage(msg, signer);
    expect(api.verifyMessage(text, new api.TrustStore([signer.certificate])).valid).toBe(true);
    expect(api.validateMessage(JSON.parse(text)).valid).toBe(true);
    expect(api.validateMessage({ ...JSON.parse(text), trxInfo: { orderId: '1' } }).errors.map((e) => e.path).sort()).toEqual(['trxInfo.merId', 'trxInfo.orderId']);
  });
});
