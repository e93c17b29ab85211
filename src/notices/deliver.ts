/**
 * One delivery attempt: POST the signed notice to backUrl and judge the partner's answer. Only a
 * valid signed 00 with msgInfo echoed, well-formed for its schema, in an HTTP 200 within the
 * timeout, is a delivery; anything else is a failed attempt, its reason recorded.
 */
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
  durationMs: number;
}

const MAX_ANSWER_BYTES = 64 * 1024;

export async function deliver(
  backUrl: string,
  text: string,
  options: { trust: TrustStore; variant: SignatureVariant; timeoutMs: number },
): Promise<DeliveryResult> {
  const started = performance.now();
  const done = (r: Omit<DeliveryResult, 'durationMs'>): DeliveryResult => ({ ...r, durationMs: Math.round(performance.now() - started) });
  let res: Response;
  try {
    res = await fetch(backUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: text,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (e) {
    const name = (e as Error).name;
    return done({ ok: false, problem: name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : `cannot reach ${backUrl}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}` });
  }
  let answerText: string;
  try {
    const buf = Buffer.from(await res.arrayBuffer());
    answerText = buf.subarray(0, MAX_ANSWER_BYTES).toString('utf8');
  } catch (e) {
    return done({ ok: false, httpStatus: res.status, problem: `answer could not be read: ${(e as Error).message}` });
  }
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
