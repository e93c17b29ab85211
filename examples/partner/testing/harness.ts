/** Test harness: test keys, a fake UCSP, and an example partner wired to it, with helpers. */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import {
  certInfoFromPem,
  generateTestKeys,
  readJsonBody,
  signMessage,
  TrustStore,
  validateMessage,
  verifyParsed,
  type MsgType,
  type SignatureVariant,
  type SignerCredentials,
  type UcspMessage,
  type ValidationResult,
  type VerifyResult,
} from '../../../src/index.js';
import { formatUcspTime } from '../../../src/protocol/time.js';
import type { PartnerBugs } from '../bugs.js';
import { createExamplePartner, type ExamplePartner } from '../partner-app.js';
import type { PartnerSlowness } from '../slow.js';
import { startFakeUcsp, type FakeUcsp } from './fake-ucsp.js';

export const IDS = { insID: '12345678', merId: '123456789012345', acqIIN: '00010344' } as const;

export interface Keys {
  ucsp: SignerCredentials;
  partner: SignerCredentials;
  /** A key that is not UCSP's, presenting UCSP's signCertID. */
  rogue: SignerCredentials;
}

let keys: Keys | undefined;
export function testKeys(): Keys {
  if (keys) return keys;
  const k = generateTestKeys();
  const ucspCert = certInfoFromPem(k.ucsp.certPem);
  const { privateKey: rogueKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keys = {
    ucsp: { privateKey: createPrivateKey(k.ucsp.keyPem), certificate: ucspCert },
    partner: { privateKey: createPrivateKey(k.partner.keyPem), certificate: certInfoFromPem(k.partner.certPem) },
    rogue: { privateKey: rogueKey, certificate: ucspCert },
  };
  return keys;
}

export interface NoticeReply {
  status: number;
  text: string;
  answer?: UcspMessage;
  signature?: VerifyResult;
  validation?: ValidationResult;
}

export interface Harness {
  keys: Keys;
  fake: FakeUcsp;
  partner: ExamplePartner;
  url: string;
  clock: { now: number };
  driver(action: string, params: Record<string, unknown>): Promise<{ status: number; body: any }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  /** A UCSP-sent message (msgInfo filled in, timeStamp from the clock). */
  ucspMessage(msgType: MsgType, trxInfo: Record<string, string>, responseCode?: string): Record<string, unknown>;
  sign(message: object, signer?: SignerCredentials): string;
  postNotice(text: string | Buffer): Promise<NoticeReply>;
  /** Opens the login hand-off URL with request_data percent-encoded as UCSP does. */
  login(requestData: string): Promise<Response>;
  close(): Promise<void>;
}

let ucspSeq = 0;

export async function startHarness(
  bugs: Partial<PartnerBugs> = {},
  variant: SignatureVariant = 'SHA256withRSA',
  slowness: PartnerSlowness & { answerForm?: 'signed' | 'minimal' } = {},
): Promise<Harness> {
  const k = testKeys();
  const fake = await startFakeUcsp(k.ucsp, k.partner.certificate, variant);
  const clock = { now: Date.now() };
  const partner = createExamplePartner({
    ucspApiUrl: fake.apiUrl,
    signer: k.partner,
    ucspCertificates: [k.ucsp.certificate],
    ...IDS,
    bugs,
    signatureVariant: variant,
    now: () => clock.now,
    ...slowness,
  });
  const server = await partner.listen(0);
  const json = async (res: Response) => {
    const text = await res.text();
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return text;
    }
  };
  const h: Harness = {
    keys: k,
    fake,
    partner,
    url: server.url,
    clock,
    async driver(action, params) {
      const res = await fetch(`${server.url}/driver/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action, params }),
      });
      return { status: res.status, body: await json(res) };
    },
    async get(path, headers = {}) {
      const res = await fetch(`${server.url}${path}`, { headers });
      return { status: res.status, headers: res.headers, body: await json(res) };
    },
    ucspMessage(msgType, trxInfo, responseCode) {
      const timeStamp = formatUcspTime(clock.now);
      return {
        msgInfo: { versionNo: '1.0.0', msgID: `U${IDS.insID}${timeStamp}${String(++ucspSeq).padStart(6, '0')}`, timeStamp, msgType, insID: IDS.insID },
        trxInfo,
        ...(responseCode ? { msgResponse: { responseCode, responseMsg: responseCode === '00' ? 'Approved' : 'Transaction Fail' } } : {}),
      };
    },
    sign: (message, signer = k.ucsp) => signMessage(message, signer, { variant }),
    async postNotice(body) {
      const res = await fetch(`${server.url}/ucsp/notify`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body });
      const raw = new Uint8Array(await res.arrayBuffer());
      const text = Buffer.from(raw).toString('utf8');
      if (res.status !== 200) return { status: res.status, text };
      const { value } = readJsonBody(raw);
      return {
        status: res.status,
        text,
        answer: value as UcspMessage,
        signature: verifyParsed(text, value, new TrustStore([k.partner.certificate]), { variant }),
        validation: validateMessage(value, { role: 'response' }),
      };
    },
    login: (requestData) => fetch(`${server.url}/ucsp/login?request_data=${encodeURIComponent(requestData)}`, { redirect: 'manual' }),
    async close() {
      await server.close();
      await fake.close();
    },
  };
  return h;
}

let querySeq = 0;
export const newQueryId = (): string => `Q${String(Date.now()).slice(-8)}${String(++querySeq).padStart(12, '0')}`;

/** A signed PAYMENT_RESULT_NOTICE. */
export function resultNotice(h: Harness, trx: Record<string, string>, code = '00'): string {
  return h.sign(h.ucspMessage('PAYMENT_RESULT_NOTICE', { merId: IDS.merId, txnTime: formatUcspTime(h.clock.now), ...trx }, code));
}

/** submitPaymentOrder through the driver, then a PAY notice 00: a PAID order. */
export async function paidOrder(h: Harness, txnAmt = '1234', currencyCode = '344') {
  const { body } = await h.driver('submitPaymentOrder', { txnAmt, currencyCode, userId: 'user-001' });
  const { orderId, tn } = body.result as { orderId: string; tn: string };
  const queryId = newQueryId();
  const reply = await h.postNotice(resultNotice(h, { orderId, txnType: 'PAY', txnAmt, currencyCode, queryId, tn }));
  if (reply.answer?.msgResponse?.responseCode !== '00') throw new Error(`notice not processed: ${reply.text}`);
  return { orderId, tn, queryId, txnAmt, currencyCode };
}
