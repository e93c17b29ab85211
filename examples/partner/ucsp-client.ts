/**
 * Partner → UCSP (PROFILE §2–§4): build the envelope, sign it, POST it to the one API endpoint,
 * and accept the answer only if it is a validly signed response that echoes our msgInfo.
 * Anything else is "no answer": the partner then knows nothing more than before it asked.
 *
 * With `answerForm: 'minimal'` (the profile option for the form one of the UCSP pages' answer
 * tables shows) UCSP's answers are `{trxInfo, msgResponse}`, unsigned: then exactly that form is
 * accepted — no msgInfo, no certificateSignature — judged against the response schema as if our
 * msgInfo were echoed, with the key fields checked as always. It is tied to its request by the
 * HTTP exchange alone, so in production it must come over TLS from UCSP's own address.
 */
import {
  formatDiagnostics,
  readJsonBody,
  signMessage,
  validateMessage,
  verifyParsed,
  type MsgType,
  type SignatureVariant,
  type SignerCredentials,
  type TrustStore,
  type UcspMessage,
} from '../../src/index.js';
import type { PartnerBugs } from './bugs.js';
import type { Wire } from './wire.js';

export interface UcspAnswer {
  /** msgResponse.responseCode of the answer. */
  code: string;
  message: UcspMessage;
  trxInfo: Record<string, unknown>;
}

/** UCSP gave no usable answer: network error, non-200, unreadable, bad signature, no echo. */
export class NoAnswerError extends Error {
  override readonly name = 'NoAnswerError';
}

export interface UcspClientOptions {
  apiUrl: string;
  insID: string;
  signer: SignerCredentials;
  trust: TrustStore;
  variant: SignatureVariant;
  wire: Wire;
  /** Deliberate bugs (bugs.ts): skipAnswerSignatureCheck, acceptUnsignedAnswer, skipAnswerEchoCheck. */
  bugs?: Pick<PartnerBugs, 'skipAnswerSignatureCheck' | 'acceptUnsignedAnswer' | 'skipAnswerEchoCheck'>;
  timeoutMs?: number;
  /** Bug collapseResponseCodes (bugs.ts). */
  collapseCodes?: boolean;
  /** The form of UCSP's answers: signed (PROFILE §3, the default) or minimal (trxInfo and msgResponse, unsigned). */
  answerForm?: 'signed' | 'minimal';
  log: (line: string) => void;
}

/** Key fields that a response repeats from its request (PROFILE §3); a different value is no echo. */
const KEY_FIELDS = ['orderId', 'merId', 'contractId', 'origQryId'] as const;

export class UcspClient {
  constructor(private readonly o: UcspClientOptions) {}

  /** Sends one request and returns UCSP's verified answer, or throws NoAnswerError. */
  async send(msgType: MsgType, trxInfo: Record<string, string>): Promise<UcspAnswer> {
    const timeStamp = this.o.wire.time();
    const msgInfo = { versionNo: '1.0.0', msgID: this.o.wire.msgID(timeStamp), timeStamp, msgType, insID: this.o.insID };
    const text = signMessage({ msgInfo, trxInfo }, this.o.signer, { variant: this.o.variant });

    let status: number;
    let body: Uint8Array;
    try {
      const res = await fetch(this.o.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: text,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
      status = res.status;
      body = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw this.noAnswer(msgType, `request failed: ${(e as Error).message}`);
    }
    if (status !== 200) throw this.noAnswer(msgType, `HTTP ${status}`);

    let answerText: string;
    let parsed: unknown;
    try {
      ({ text: answerText, value: parsed } = readJsonBody(body));
    } catch (e) {
      throw this.noAnswer(msgType, `unreadable answer: ${(e as Error).message}`);
    }
    const bugs = this.o.bugs;
    let takenUnsigned = false;
    if (this.o.answerForm === 'minimal') {
      const keys = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.keys(parsed) : [];
      if (keys.includes('msgInfo') || keys.includes('certificateSignature')) throw this.noAnswer(msgType, 'answer is not in the minimal form (trxInfo and msgResponse only)');
      // the response schema's rules, with our msgInfo standing in for the echo and a dummy signature
      parsed = { msgInfo, ...(parsed as object), certificateSignature: { signCertID: '0', signature: 'AA==' } };
    } else {
      const signature = (parsed as { certificateSignature?: { signature?: unknown } } | null)?.certificateSignature?.signature;
      // BUG acceptUnsignedAnswer: "no signature to check" taken for "nothing wrong".
      takenUnsigned = bugs?.acceptUnsignedAnswer === true && (signature === undefined || signature === '00000000');
      // Verify over the raw text as received, never over re-serialised JSON (PROFILE §4).
      // BUG skipAnswerSignatureCheck: the answer is believed whoever made it and whatever was changed.
      if (!bugs?.skipAnswerSignatureCheck && !takenUnsigned) {
        const verdict = verifyParsed(answerText, parsed, this.o.trust, { variant: this.o.variant });
        if (!verdict.valid) throw this.noAnswer(msgType, `answer signature invalid: ${verdict.summary}`);
      }
      // The answer must be to this very request: msgInfo echoed unchanged (PROFILE §3).
      // BUG skipAnswerEchoCheck: an answer to another request is taken, as the type it names.
      const echoed = (parsed as { msgInfo?: Record<string, unknown> } | null)?.msgInfo ?? {};
      if (!bugs?.skipAnswerEchoCheck) {
        for (const k of ['versionNo', 'msgID', 'timeStamp', 'msgType', 'insID'] as const) {
          if (echoed[k] !== msgInfo[k]) throw this.noAnswer(msgType, `answer does not echo msgInfo.${k}`);
        }
      }
    }
    if (!takenUnsigned) {
      const check = bugs?.skipAnswerEchoCheck ? validateMessage(parsed, { role: 'response' }) : validateMessage(parsed, { role: 'response', msgType });
      if (!check.valid) throw this.noAnswer(msgType, `answer is malformed: ${formatDiagnostics(check.errors).join('; ')}`);
    }

    const answer = parsed as UcspMessage;
    for (const k of KEY_FIELDS) {
      const v = answer.trxInfo[k];
      if (v !== undefined && trxInfo[k] !== undefined && v !== trxInfo[k]) {
        throw this.noAnswer(msgType, `answer's trxInfo.${k} ${JSON.stringify(v)} is not the request's`);
      }
    }
    let code = answer.msgResponse?.responseCode ?? '';
    // BUG collapseResponseCodes: 05, 10, 11, 34, 36, 99 are not "declined" (PROFILE §8); losing them loses what to do next.
    if (this.o.collapseCodes && code !== '00') code = '01';
    this.o.log(`→ ${msgType} ${trxInfo.orderId ?? trxInfo.contractId ?? ''} ← ${code} ${answer.msgResponse?.responseMsg ?? ''}`);
    return { code, message: answer, trxInfo: answer.trxInfo };
  }

  private noAnswer(msgType: MsgType, why: string): NoAnswerError {
    this.o.log(`→ ${msgType}: no usable answer from UCSP (${why})`);
    return new NoAnswerError(`no usable answer from UCSP to ${msgType}: ${why}`);
  }
}
