/**
 * An in-process sandbox runtime with a manual clock and a partner that signs, for tests of the
 * request path without HTTP. (End-to-end tests use the real CLI over loopback instead.)
 */
import { createPrivateKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { resolveConfig, type DeepPartial, type SandboxConfig } from '../../src/config/index.js';
import { TrustStore, certInfoFromPem, generateTestKeys, signMessage, verifyMessage, type SignerCredentials, type TestKeySet } from '../../src/crypto/index.js';
import { formatUcspTime } from '../../src/protocol/time.js';
import { SandboxRuntime } from '../../src/sandbox/runtime.js';
import type { StateStore } from '../../src/store/state-store.js';
import { validateMessage, type MsgType } from '../../src/schemas/index.js';

let cachedKeys: TestKeySet | undefined;
export function testKeys(): TestKeySet {
  cachedKeys ??= generateTestKeys('pw');
  return cachedKeys;
}

export function signerOf(keyPem: string, certPem: string): SignerCredentials {
  return { privateKey: createPrivateKey(keyPem), certificate: certInfoFromPem(certPem) };
}

export const PARTNER = { insID: '12345678', merId: '123456789012345', acqIIN: '00010344' };

export interface Answer {
  code: string;
  text: string;
  msg: { msgInfo: Record<string, string>; trxInfo: Record<string, string>; msgResponse: { responseCode: string; responseMsg: string } };
}

export function makeHarness(overrides: DeepPartial<SandboxConfig> = {}, options: { store?: StateStore } = {}) {
  const keys = testKeys();
  const partner = signerOf(keys.partner.keyPem, keys.partner.certPem);
  const ucsp = signerOf(keys.ucsp.keyPem, keys.ucsp.certPem);
  const config = resolveConfig(undefined, { baseDir: tmpdir(), overrides: { timeScale: 0, ...overrides } });
  const clock = new VirtualClock({ scale: 0 });
  const runtime = new SandboxRuntime({ config, ucspSigner: ucsp, partnerCertificates: [partner.certificate], clock, ...(options.store ? { store: options.store } : {}) });
  runtime.urls = { ucsp: 'http://127.0.0.1:1', channel: 'http://127.0.0.1:2', issuer: 'http://127.0.0.1:3' };
  const ucspTrust = new TrustStore([ucsp.certificate]);
  let seq = 0;

  const wireNow = (offsetMs = 0) => formatUcspTime(Date.now() + offsetMs, config.zone);

  function message(msgType: MsgType | string, trxInfo: Record<string, unknown>, o: { timeStamp?: string; msgID?: string; insID?: string } = {}) {
    const timeStamp = o.timeStamp ?? wireNow();
    return {
      msgInfo: { versionNo: '1.0.0', msgID: o.msgID ?? `P${PARTNER.insID}${timeStamp}${String(++seq).padStart(6, '0')}`, timeStamp, msgType, insID: o.insID ?? PARTNER.insID },
      trxInfo,
    };
  }

  function parseAnswer(text: string): Answer {
    const v = verifyMessage(text, ucspTrust);
    if (!v.valid) throw new Error(`UCSP answer not validly signed: ${v.summary}`);
    const msg = JSON.parse(text) as Answer['msg'];
    return { code: msg.msgResponse.responseCode, text, msg };
  }

  function sendText(text: string | Uint8Array): Answer {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    return parseAnswer(runtime.handleApi(bytes).text);
  }

  function send(msgType: MsgType | string, trxInfo: Record<string, unknown>, o: Parameters<typeof message>[2] & { signer?: SignerCredentials } = {}): Answer {
    const text = signMessage(message(msgType, trxInfo, o), o.signer ?? partner);
    const a = sendText(text);
    // Every answer must itself be schema-valid for its type (when the type is known).
    if (a.msg.msgInfo.msgType !== 'UNKNOWN') {
      const check = validateMessage(a.msg, { role: 'response' });
      if (!check.valid) throw new Error(`UCSP answer invalid: ${JSON.stringify(check.errors)}`);
    }
    return a;
  }

  /** send() through the asynchronous path (the one servers use; with PostgreSQL, one unit of the store). */
  async function sendAsync(msgType: MsgType | string, trxInfo: Record<string, unknown>, o: Parameters<typeof message>[2] & { signer?: SignerCredentials } = {}): Promise<Answer> {
    const text = signMessage(message(msgType, trxInfo, o), o.signer ?? partner);
    return parseAnswer((await runtime.handleApiAsync(Buffer.from(text, 'utf8'))).text);
  }

  let orderSeq = 0;
  const newOrderId = (prefix = 'ORD') => `${prefix}${Date.now()}${String(++orderSeq).padStart(4, '0')}`;

  function orderTrx(o: Record<string, string> = {}) {
    return {
      orderId: newOrderId(),
      merId: PARTNER.merId,
      acqIIN: PARTNER.acqIIN,
      txnAmt: '1234',
      currencyCode: '344',
      txnTime: wireNow(),
      userId: 'user-001',
      backUrl: 'http://127.0.0.1:9/notify',
      ...o,
    };
  }

  return { keys, partner, ucsp, config, clock, runtime, message, send, sendAsync, sendText, parseAnswer, wireNow, newOrderId, orderTrx, close: () => runtime.close() };
}

export type Harness = ReturnType<typeof makeHarness>;
