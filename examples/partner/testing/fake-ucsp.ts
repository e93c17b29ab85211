/**
 * A tiny stand-in for UCSP's API, for the example partner's own tests: it verifies every request
 * with the partner's certificate, validates it against its schema, remembers it, and answers
 * signed with the UCSP key — by default as PROFILE §6 says a normal UCSP would, or as a test scripts.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  TrustStore,
  readJsonBody,
  signMessage,
  validateMessage,
  verifyParsed,
  type CertInfo,
  type MsgType,
  type SignatureVariant,
  type SignerCredentials,
  type UcspMessage,
  type ValidationResult,
  type VerifyResult,
} from '../../../src/index.js';

export interface ReceivedRequest {
  msgType: string;
  text: string;
  message: UcspMessage;
  signature: VerifyResult;
  validation: ValidationResult;
}

export interface ScriptedAnswer {
  code: string;
  trxInfo?: Record<string, string>;
}

export type Script = (trx: Record<string, string>, req: ReceivedRequest) => ScriptedAnswer;

export interface FakeUcsp {
  url: string;
  apiUrl: string;
  received: ReceivedRequest[];
  /** Per-msgType answers that replace the defaults. */
  script: Partial<Record<MsgType, Script>>;
  /** Replaces the answer text entirely (e.g. to send a forged answer). */
  rawAnswer?: (signedText: string) => string;
  close(): Promise<void>;
}

let tnSeq = 0;
const tn = () => `${Date.now()}${String(++tnSeq).padStart(8, '0')}`.slice(-21).padStart(21, '1');

function defaultAnswer(base: string, msgType: string, t: Record<string, string>): ScriptedAnswer {
  const key = { orderId: t.orderId ?? '', merId: t.merId ?? '' };
  switch (msgType) {
    case 'SUBMIT_PAYMENT_ORDER': {
      const n = tn();
      return { code: '00', trxInfo: { ...key, txnAmt: t.txnAmt ?? '', currencyCode: t.currencyCode ?? '', tn: n, paymentUrl: `${base}/ucsp/cashier?tn=${n}` } };
    }
    case 'PAYMENT_RESULT_INQUIRY':
      return { code: '34', trxInfo: key };
    case 'SIGN_AUTO_DEBIT':
      return { code: '00', trxInfo: { ...key, signUrl: `${base}/ucsp/sign?orderId=${t.orderId}` } };
    case 'CLOSE_AUTO_DEBIT':
      return { code: '00', trxInfo: { contractId: t.contractId ?? '', merId: t.merId ?? '' } };
    case 'SUBMIT_AUTO_DEBIT':
      return { code: '05', trxInfo: key };
    case 'PAYMENT_CANCELLATION':
    case 'PAYMENT_REFUND':
      return { code: '05', trxInfo: { ...key, origQryId: t.origQryId ?? '' } };
    case 'REFUND_RESULT_INQUIRY':
      return { code: '34', trxInfo: key };
    default:
      return { code: '10', trxInfo: {} };
  }
}

export async function startFakeUcsp(ucspSigner: SignerCredentials, partnerCert: CertInfo, variant: SignatureVariant = 'SHA256withRSA'): Promise<FakeUcsp> {
  const trust = new TrustStore([partnerCert]);
  const app = express();
  const fake: FakeUcsp = { url: '', apiUrl: '', received: [], script: {}, close: async () => {} };

  app.post('/ucsp/api', express.raw({ type: () => true, limit: '64kb' }), (req, res) => {
    const { text, value } = readJsonBody(req.body as Buffer);
    const message = value as UcspMessage;
    const r: ReceivedRequest = {
      msgType: message.msgInfo.msgType,
      text,
      message,
      signature: verifyParsed(text, value, trust, { variant }),
      validation: validateMessage(value, { role: 'request' }),
    };
    fake.received.push(r);
    const t = message.trxInfo as Record<string, string>;
    let answer: ScriptedAnswer;
    if (!r.signature.valid) answer = { code: '11', trxInfo: {} };
    else if (!r.validation.valid) answer = { code: '10', trxInfo: {} };
    else answer = fake.script[r.msgType as MsgType]?.(t, r) ?? defaultAnswer(fake.url, r.msgType, t);
    const m = message.msgInfo;
    const signed = signMessage(
      {
        msgInfo: { versionNo: m.versionNo, msgID: m.msgID, timeStamp: m.timeStamp, msgType: m.msgType, insID: m.insID },
        trxInfo: answer.trxInfo ?? {},
        msgResponse: { responseCode: answer.code, responseMsg: `fake ${answer.code}` },
      },
      ucspSigner,
      { variant },
    );
    res.status(200).type('application/json; charset=utf-8').send(fake.rawAnswer ? fake.rawAnswer(signed) : signed);
  });

  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.apiUrl = `${fake.url}/ucsp/api`;
  fake.close = () =>
    new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
  return fake;
}
