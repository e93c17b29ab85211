/**
 * One delivery attempt: POST the signed notice to backUrl and judge the partner's answer. Only a
 * valid signed 00 with msgInfo echoed, well-formed for its schema, in an HTTP 200 within the
 * timeout, is a delivery; anything else is a failed attempt, its reason recorded.
 */
import { request as httpRequest } from 'node:http';
import { verifyMessage, type SignatureVariant, type TrustStore } from '../crypto/index.js';
import type { SignatureVerdict } from '../journal/journal.js';
import type { MsgType } from '../schemas/message-types.js';
import { parseStrictJson } from '../schemas/strict-json.js';
import { formatDiagnostics, validateMessage } from '../schemas/validate.js';

export interface DeliveryResult {
  ok: boolean;
  httpStatus?: number;
  responseCode?: string;
  answerText?: string;
  signature?: SignatureVerdict;
  problem?: string;
  /** No answer came within the timeout. */
  timedOut?: boolean;
  durationMs: number;
}

/** The most of an answer UCSP reads; past it the answer is abandoned (a notice answer is a few hundred bytes). */
export const MAX_ANSWER_BYTES = 64 * 1024;

interface RawAnswer {
  status: number;
  body: Buffer;
  /** The answer went past MAX_ANSWER_BYTES: reading stopped there and the connection was closed. */
  overLimit?: string;
}

/**
 * POSTs over node:http or node:https (no port deny-list: a backUrl on 6000, 6666 or 10080 is
 * reached like any other) on a connection of its own, and reads the answer as a stream: at most
 * MAX_ANSWER_BYTES are kept, and an answer that says or turns out to be longer is abandoned there,
 * so a partner answering a gigabyte costs no more memory than one answering a kilobyte. The whole
 * exchange — connecting, sending, reading — is bounded by timeoutMs.
 */
/** node:https, loaded for the first https backUrl only (TLS costs start-up time no http partner needs). */
let https: Promise<typeof import('node:https')> | undefined;

async function post(backUrl: string, text: string, timeoutMs: number): Promise<RawAnswer> {
  let url: URL;
  try {
    url = new URL(backUrl);
  } catch {
    throw new Error('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${url.protocol} is not http: or https:`);
  const send = url.protocol === 'http:' ? httpRequest : (await (https ??= import('node:https'))).request;
  return new Promise((resolve, reject) => {
    const body = Buffer.from(text, 'utf8');
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const req = send(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length },
    });
    const timer = setTimeout(() => {
      finish(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish(() => reject(e)));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const abandon = (why: string) => {
        const kept = Buffer.concat(chunks, Math.min(size, MAX_ANSWER_BYTES)).subarray(0, MAX_ANSWER_BYTES);
        finish(() => resolve({ status, body: kept, overLimit: why }));
        res.destroy();
        req.destroy();
      };
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > MAX_ANSWER_BYTES) {
        abandon(`the answer declares ${declared} bytes (Content-Length), over the ${MAX_ANSWER_BYTES}-byte limit; UCSP did not read it`);
        return;
      }
      res.on('data', (c: Buffer) => {
        if (settled) return;
        chunks.push(c);
        size += c.length;
        if (size > MAX_ANSWER_BYTES) abandon(`the answer is longer than ${MAX_ANSWER_BYTES} bytes; UCSP stopped reading it there`);
      });
      res.on('end', () => finish(() => resolve({ status, body: Buffer.concat(chunks, size) })));
      res.on('error', (e) => finish(() => reject(new Error(`answer could not be read: ${e.message}`))));
      res.on('aborted', () => finish(() => reject(new Error('answer could not be read: the connection closed before its end'))));
    });
    req.end(body);
  });
}

export async function deliver(
  backUrl: string,
  text: string,
  options: { trust: TrustStore; variant: SignatureVariant; timeoutMs: number },
): Promise<DeliveryResult> {
  const started = performance.now();
  const done = (r: Omit<DeliveryResult, 'durationMs'>): DeliveryResult => ({ ...r, durationMs: Math.round(performance.now() - started) });
  let res: RawAnswer;
  try {
    res = await post(backUrl, text, options.timeoutMs);
  } catch (e) {
    const err = e as Error;
    if (err.name === 'TimeoutError') return done({ ok: false, timedOut: true, problem: err.message });
    if (err.message.startsWith('answer could not be read')) return done({ ok: false, problem: err.message });
    return done({ ok: false, problem: `cannot reach ${backUrl}: ${err.message}` });
  }
  const answerText = res.body.toString('utf8');
  if (res.overLimit) return done({ ok: false, httpStatus: res.status, answerText, problem: res.overLimit });
  if (res.status !== 200) return done({ ok: false, httpStatus: res.status, answerText, problem: `HTTP ${res.status}` });
  let parsed: { msgInfo?: Record<string, unknown>; msgResponse?: { responseCode?: unknown } };
  try {
    parsed = parseStrictJson(answerText) as typeof parsed;
  } catch (e) {
    return done({ ok: false, httpStatus: 200, answerText, problem: `answer is not a message: ${(e as Error).message}` });
  }
  const responseCode = typeof parsed?.msgResponse?.responseCode === 'string' ? parsed.msgResponse.responseCode : undefined;
  const v = verifyMessage(answerText, options.trust, { variant: options.variant });
  const signature: SignatureVerdict = { valid: v.valid, ...(v.problem ? { problem: v.problem } : {}), summary: v.summary, details: v.details };
  const base = { httpStatus: 200, answerText, signature, ...(responseCode ? { responseCode } : {}) };
  if (!v.valid) return done({ ...base, ok: false, problem: `answer signature invalid: ${v.summary}` });
  const sent = (JSON.parse(text) as { msgInfo: Record<string, unknown> }).msgInfo;
  const echoed = parsed.msgInfo ?? {};
  const differs = ['versionNo', 'msgID', 'timeStamp', 'msgType', 'insID'].filter((k) => echoed[k] !== sent[k]);
  if (differs.length) return done({ ...base, ok: false, problem: `answer does not echo msgInfo (${differs.join(', ')} differ)` });
  // the answer's own schema (PROFILE §6.3, §6.6): trxInfo present, a code a notice answer may carry
  const check = validateMessage(parsed, { role: 'response', msgType: sent.msgType as MsgType });
  if (!check.valid) return done({ ...base, ok: false, problem: `answer is malformed: ${formatDiagnostics(check.errors).join('; ')}` });
  if (responseCode !== '00') return done({ ...base, ok: false, problem: `answered ${responseCode ?? 'without a code'}` });
  return done({ ...base, ok: true });
}
