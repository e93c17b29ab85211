/**
 * The bench's request: a SUBMIT_PAYMENT_ORDER from the default partner (PROFILE §6.2, §10),
 * unique msgID and orderId, current timeStamp/txnTime in UTC+8, signed with the partner key.
 */
import { join } from 'node:path';
import { loadSigner, signMessage, type SignerCredentials } from '../src/crypto/index.js';
import { formatUcspTime } from '../src/protocol/time.js';

export const PARTNER = {
  insID: '12345678',
  merId: '123456789012345',
  acqIIN: '00010344',
  txnAmt: '1234',
  currencyCode: '344',
  userId: 'user-001',
  backUrl: 'http://127.0.0.1:9/n',
} as const;

export function loadPartnerSigner(keysDir: string): Promise<SignerCredentials> {
  return loadSigner(join(keysDir, 'partner.key.pem'), join(keysDir, 'partner.cert.pem'));
}

/**
 * `tag` makes IDs unique across runs and workers (1–10 chars [0-9A-Za-z]); `seq` within a tag.
 * msgID: P + insID + timeStamp + tag + seq (≤ 64 chars); orderId: B + tag + seq (8–40 chars).
 */
export function submitPaymentOrder(tag: string, seq: number, nowMs = Date.now()): object {
  const t = formatUcspTime(nowMs);
  const n = String(seq).padStart(8, '0');
  return {
    msgInfo: { versionNo: '1.0.0', msgID: `P${PARTNER.insID}${t}${tag}${n}`, timeStamp: t, msgType: 'SUBMIT_PAYMENT_ORDER', insID: PARTNER.insID },
    trxInfo: {
      orderId: `B${tag}${n}`,
      merId: PARTNER.merId,
      acqIIN: PARTNER.acqIIN,
      txnAmt: PARTNER.txnAmt,
      currencyCode: PARTNER.currencyCode,
      txnTime: t,
      userId: PARTNER.userId,
      backUrl: PARTNER.backUrl,
    },
  };
}

export function signedSubmit(signer: SignerCredentials, tag: string, seq: number): string {
  return signMessage(submitPaymentOrder(tag, seq), signer);
}
