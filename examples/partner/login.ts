/**
 * GET /ucsp/login?request_data=… — the partner's INDUSTRY_INDEX_URL (PROFILE §6.1). UCSP sends
 * the user's browser here with a signed INDUSTRY_LOGIN_INFO. The partner opens a session only
 * after every check passes: 400 when the message is malformed, 401 when it is not authentic,
 * not fresh, already used, or not a login for this partner.
 */
import { randomBytes } from 'node:crypto';
import { unescape as lenientUnescape } from 'node:querystring';
import type { Request, Response } from 'express';
import { formatDiagnostics, parseStrictJson, validateMessage, verifyParsed, type UcspMessage } from '../../src/index.js';
import { parseUcspTime } from '../../src/protocol/time.js';
import type { PartnerContext } from './context.js';
import { escapeHtml, htmlPage } from './html.js';

export const SESSION_COOKIE = 'ucsp_session';
/** A login timeStamp may be this far from the partner's clock (PROFILE §6.1). */
export const LOGIN_MAX_SKEW_MS = 300_000;

type LoginCheck = { ok: true; userId: string } | { ok: false; status: 400 | 401; reason: string };
const malformed = (reason: string): LoginCheck => ({ ok: false, status: 400, reason });
const refused = (reason: string): LoginCheck => ({ ok: false, status: 401, reason });

/**
 * The values of a query parameter exactly as sent, percent-decoded. Read from the raw URL rather
 * than req.query: a query parser turns "+" into a space, which would break a base64 signature
 * written unencoded; UCSP encodes with encodeURIComponent, so "+" arrives as %2B anyway.
 */
export function rawQueryValues(originalUrl: string, name: string): string[] {
  const q = originalUrl.indexOf('?');
  if (q < 0) return [];
  const query = originalUrl.slice(q + 1).split('#')[0] ?? '';
  return query
    .split('&')
    .filter((pair) => pair.startsWith(`${name}=`))
    .map((pair) => decodeURIComponent(pair.slice(name.length + 1)));
}

export function checkLogin(ctx: PartnerContext, originalUrl: string): LoginCheck {
  const { bugs } = ctx;
  // 1. Exactly one request_data, percent-decoded, strict JSON.
  let values: string[];
  try {
    values = rawQueryValues(originalUrl, 'request_data');
  } catch (e) {
    if (bugs.loginCrashesOnMalformed) throw e; // BUG loginCrashesOnMalformed: the URIError escapes (HTTP 500)
    return malformed('request_data is not correctly percent-encoded');
  }
  if (values.length !== 1 || !values[0]) return malformed(values.length > 1 ? 'request_data appears more than once' : 'request_data is missing');
  const text = values[0];
  let parsed: unknown;
  try {
    parsed = bugs.loginCrashesOnMalformed ? JSON.parse(text) : parseStrictJson(text);
  } catch (e) {
    if (bugs.loginCrashesOnMalformed) throw e; // BUG loginCrashesOnMalformed: the SyntaxError escapes (HTTP 500)
    return malformed(`request_data is not valid JSON: ${(e as Error).message}`);
  }
  // BUG acceptUnsignedLogin: a hand-off with no real signature is taken for a test message.
  const cs = (parsed as { certificateSignature?: { signature?: unknown } } | null)?.certificateSignature;
  const unsignedAccepted = bugs.acceptUnsignedLogin && (cs === undefined || cs.signature === '00000000');
  // 2. Signed by UCSP, over the text exactly as received.
  if (!bugs.skipLoginSignatureCheck && !unsignedAccepted) {
    const verdict = verifyParsed(text, parsed, ctx.ucspTrust, { variant: ctx.variant });
    if (!verdict.valid) return refused(`signature: ${verdict.summary}`);
  }
  // 3. It is a login hand-off, not some other message signed by UCSP.
  const msgType = (parsed as { msgInfo?: { msgType?: unknown } } | null)?.msgInfo?.msgType;
  if (msgType !== 'INDUSTRY_LOGIN_INFO' && !bugs.loginIgnoresMsgType) {
    return refused(`msgType ${JSON.stringify(msgType)} is not INDUSTRY_LOGIN_INFO`);
  }
  // 4. Well-formed as an INDUSTRY_LOGIN_INFO.
  const check = validateMessage(parsed, { role: 'request', msgType: 'INDUSTRY_LOGIN_INFO' });
  const errors = check.errors.filter((e) => !(bugs.loginIgnoresMsgType && e.path === 'msgInfo.msgType') && !(unsignedAccepted && e.path.startsWith('certificateSignature')));
  if (errors.length) return malformed(`request_data is malformed: ${formatDiagnostics(errors).join('; ')}`);
  const msg = parsed as UcspMessage;
  // 5. Meant for this partner.
  if (msg.msgInfo.insID !== ctx.insID && !bugs.loginIgnoresInsId) return refused(`insID ${msg.msgInfo.insID} is not this partner's`);
  // 6. Fresh: within ±300 s of the partner's clock, read in the profile's zone.
  const now = ctx.wire.now();
  const sentAt = parseUcspTime(msg.msgInfo.timeStamp, ctx.zone);
  // BUG acceptFutureLogin: only the age is checked, so a timeStamp ahead of the clock passes.
  const off = bugs.acceptFutureLogin ? now - sentAt : Math.abs(now - sentAt);
  if (!(off <= LOGIN_MAX_SKEW_MS) && !bugs.acceptStaleLogin) {
    return refused(`timeStamp ${msg.msgInfo.timeStamp} is more than 300 s from this partner's clock`);
  }
  // 7. Never used before. A msgID can be forgotten once a message carrying it would be stale.
  const firstUse = ctx.store.rememberLoginMsgId(msg.msgInfo.msgID, now, 2 * LOGIN_MAX_SKEW_MS);
  if (!firstUse && !bugs.acceptReplayedLogin) return refused(`msgID ${msg.msgInfo.msgID} was already used`);
  const userId = msg.trxInfo.userId;
  if (typeof userId !== 'string') return malformed('trxInfo.userId is missing');
  return { ok: true, userId };
}

export function loginHandler(ctx: PartnerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    // request_data is a bearer credential in the URL: keep it out of caches and referrers.
    res.set({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    if (ctx.bugs.openSessionBeforeChecks) openSessionFirst(ctx, req, res);
    const result = checkLogin(ctx, req.originalUrl);
    if (!result.ok) {
      ctx.log(`login refused (${result.status}): ${result.reason}`);
      if (!(await ctx.answerAfter(ctx.slowness.slowLoginMs, 'the login page'))) return;
      res.status(result.status).type('text/plain; charset=utf-8').send(`${result.reason}\n`);
      return;
    }
    const sessionId = randomBytes(32).toString('base64url');
    ctx.store.sessions.set(sessionId, result.userId);
    ctx.log(`login: session opened for ${result.userId}`);
    if (!(await ctx.answerAfter(ctx.slowness.slowLoginMs, 'the login page'))) return;
    res.cookie(SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'lax', path: '/' });
    res.status(200).type('html').send(htmlPage('Signed in', `<p>Signed in as ${escapeHtml(result.userId)}</p>`));
  };
}

/**
 * BUG openSessionBeforeChecks: reads a userId out of request_data however it is written (leniently
 * decoded, no parsing, no verification) and opens the session for it at once — the checks that
 * follow refuse the hand-off but leave the session open.
 */
function openSessionFirst(ctx: PartnerContext, req: Request, res: Response): void {
  const q = req.originalUrl.indexOf('?');
  const raw = (q < 0 ? '' : req.originalUrl.slice(q + 1)).split('&').find((p) => p.startsWith('request_data='));
  const userId = raw && /userId"?\s*[:=]\s*"?([A-Za-z0-9._@-]+)/.exec(lenientUnescape(raw.slice('request_data='.length)))?.[1];
  if (!userId) return;
  const sessionId = randomBytes(32).toString('base64url');
  ctx.store.sessions.set(sessionId, userId);
  res.cookie(SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'lax', path: '/' });
}

/** The userId of the session named by the request's ucsp_session cookie. */
export function sessionUser(ctx: PartnerContext, cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const user = ctx.store.sessions.get(part.slice(eq + 1).trim());
      if (user) return user;
    }
  }
  return undefined;
}
