/**
 * The control API (JSON over HTTP) for scripts, the conformance runner and people: act as the
 * user, act as the world, read the journal, reset. Documented with an example per call in README.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import express, { Router, type Request, type RequestHandler } from 'express';
import { RESPONSE_CODES, UcspError, type ResponseCode } from '../errors/index.js';
import { ANSWER_FAULT_KINDS, type AnswerFaultKind } from '../gateway/corrupt-answer.js';
import { plainEntry, viewEntry, type JournalEntry } from '../journal/journal.js';
import type { AnyOrder } from '../protocol/ledger.js';
import { maskCardNumbers } from '../schemas/mask.js';
import { memoryPage, pageRequest, storePage, streamList } from './control-lists.js';
import { NOTICE_FAULT_ACTIONS, type NoticeFaultAction } from '../notices/faults.js';
import { NOTICE_RESULTS, TAMPERS, type NoticeResult, type Tamper } from '../notices/tamper.js';
import { AMOUNT_RULES, ISSUER_BEHAVIOURS, TEST_CARDS, type IssuerBehaviour } from '../protocol/issuer-rules.js';
import { MAX_HOLD_TTL_MS } from '../sandbox/clock-hold.js';
import type { SandboxRuntime } from '../sandbox/runtime.js';
import { FAULTABLE_NOTICE_TYPES, LOGIN_TAMPERS, SIGN_DECISIONS } from './control-values.js';
import { controlDocRoutes } from './control-docs.js';
import { doorsGuard } from './doors.js';
import { eventRequest, serveEvents } from './event-stream.js';
import { jsonErrors } from './http-errors.js';
import { decodeUtf8, parseStrictJson } from '../schemas/strict-json.js';
import { PARTNER_TO_UCSP_TYPES, allowedResponseCodes } from '../schemas/message-types.js';

function body(req: Request): Record<string, unknown> {
  const b = req.body as unknown;
  return b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

function optString(b: Record<string, unknown>, k: string): string | undefined {
  const v = b[k];
  if (v === undefined) return undefined;
  // null is no value (the OpenAPI document says string): leave the key out instead
  if (typeof v !== 'string' || v.length === 0 || v.length > 128) throw new UcspError('usage', `${k} must be a non-empty string of at most 128 characters${v === null ? ' (null is not one: leave the key out)' : ''}`);
  return v;
}

function oneOf<T extends string>(b: Record<string, unknown>, k: string, allowed: readonly T[], required = false): T | undefined {
  const v = b[k];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new UcspError('usage', `${k} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function nonNegative(b: Record<string, unknown>, k: string, max = 366 * 24 * 3600 * 1000): number {
  const v = b[k];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) throw new UcspError('usage', `${k} must be a number of milliseconds between 0 and ${max}`);
  return v;
}

function positive(b: Record<string, unknown>, k: string): number {
  const v = nonNegative(b, k);
  if (v < 1000) throw new UcspError('usage', `${k} must be at least 1000 ms`);
  return v;
}

function orderRef(b: Record<string, unknown>): { tn?: string; orderId?: string } {
  const tn = optString(b, 'tn');
  const orderId = optString(b, 'orderId');
  if (!tn && !orderId) throw new UcspError('usage', 'give tn or orderId');
  return { ...(tn ? { tn } : {}), ...(orderId ? { orderId } : {}) };
}

/** An HTTP error with its status (http-errors.ts answers it). */
function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

/** Whether a Content-Type is JSON in UTF-8: application/json, with no charset or charset=utf-8. */
function isJsonType(type: string): boolean {
  const [media, ...params] = type.split(';').map((p) => p.trim().toLowerCase());
  if (media !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || p === 'charset=utf-8' || p === 'charset="utf-8"');
}

/**
 * Bodies of the control API: JSON objects only, read as strictly as the wire API reads its bodies
 * (strict-json.ts: one value, no duplicate keys, bounded nesting). A body of any other type is
 * refused (415) — a form or text/plain is what a page of another site can send without CORS, so
 * nothing is changed for it — and so is a type with no body but the empty one.
 */
function strictJsonBody(limit: number): RequestHandler {
  const raw = express.raw({ type: () => true, limit });
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      req.body = {};
      return next();
    }
    const type = req.headers['content-type'];
    if (type !== undefined && !isJsonType(type)) return next(httpError(415, `the control API takes JSON: Content-Type: application/json, not ${type}`));
    raw(req, res, (err?: unknown) => {
      if (err) return next(err);
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (bytes.length === 0) {
        req.body = {};
        return next();
      }
      if (type === undefined) return next(httpError(415, 'a body needs Content-Type: application/json'));
      let value: unknown;
      try {
        value = parseStrictJson(decodeUtf8(bytes));
      } catch (e) {
        return next(new UcspError('usage', `body is not valid JSON: ${(e as Error).message.replace(/^invalid JSON: /, '')}`));
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return next(new UcspError('usage', 'the body must be a JSON object'));
      req.body = value;
      next();
    });
  };
}

/** The process's memory in MB: what a QA team keeping a sandbox running watches (and the bench reports). */
function memoryFigures(): Record<string, number> {
  const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [`${s.space_name.replace(/_space$/, '')}Mb`, mb(s.space_size)]));
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), ...spaces };
}

export function controlRouter(runtime: SandboxRuntime): Router {
  const r = Router();
  // card numbers shown as first 6 + last 4, mobiles masked, unless --show-pii (showPii)
  const showPii = runtime.config.showPii;
  const viewOrder = (o: AnyOrder): AnyOrder => (!showPii && o.kind === 'PAY' && o.card ? { ...o, card: maskCardNumbers(o.card) } : o);
  const viewJournal: (e: JournalEntry) => unknown = showPii ? plainEntry : viewEntry;
  // Host, cross-site and token (doors.ts); then the body, strictly
  r.use(doorsGuard(runtime.doors, { token: true, refuse: (res, status, error) => void res.status(status).json({ error }) }));
  r.use(strictJsonBody(16 * 1024));
  // GET /control (an index), /control/openapi.json and .yaml: the document of every call below
  // (src/servers/openapi/control-api.ts; a test fails when a route is not in it)
  controlDocRoutes(r, runtime);

  r.get('/status', async (_req, res) => {
    // shared state (PostgreSQL): this instance, the notice attempts repeated after a lease ran out,
    // and the issuer inquiries and order expiries this instance made
    const shared = runtime.shared
      ? { instance: runtime.shared.instance, database: runtime.shared.where, noticeJobs: { ...(await runtime.shared.noticeJobs().catch(() => ({}))), repeatedHere: runtime.noticeRepeats }, stepJobs: { ...runtime.stepCounts } }
      : undefined;
    const p = runtime.config.partner;
    res.json({
      partner: { insID: p.insID, merId: p.merId, industryCode: p.industryCode },
      ...(shared ? { shared } : {}),
      urls: runtime.urls,
      clock: { now: runtime.clock.now(), iso: new Date(runtime.clock.now()).toISOString(), timeScale: runtime.clock.timeScale, pendingTimers: runtime.clock.pendingTimers, held: runtime.clockHold.info !== undefined },
      inFlight: runtime.inFlight.size,
      orders: runtime.store?.paged ? runtime.store.paged.count('orders') : runtime.ledger.orders.size,
      ordersInMemory: { size: runtime.ledger.orders.size, limit: runtime.config.orderLimit, dropped: runtime.ledger.dropped, inDataFolderOnly: runtime.ledger.evicted },
      contracts: runtime.ledger.contracts.size,
      notices: runtime.ledger.notices.size,
      journal: { size: runtime.journal.size, chars: runtime.journal.sizeChars, dropped: runtime.journal.dropped, lastSeq: runtime.journal.lastSeq },
      replayCache: { size: runtime.ledger.replay.size, evicted: runtime.ledger.replay.evicted },
      ucspSignCertID: runtime.ucspCertificate.serial,
      answerForm: runtime.config.answerForm,
      partnerSignCertIDs: runtime.partnerTrust.ids,
      answerSigner: runtime.answerSigner ? { kind: runtime.answerSigner.kind, threads: runtime.answerSigner.size } : { kind: 'main-thread', threads: 0 },
      memory: memoryFigures(),
    });
  });

  // the partner this token reaches (a sandbox of several answers the admin token in partner-router.ts)
  r.get('/partners', (_req, res) => {
    res.json({ partners: [runtime.partnerSummary()] });
  });

  // ── act as the user ──
  r.post('/login', (req, res) => {
    const b = body(req);
    const tamper = oneOf(b, 'tamper', LOGIN_TAMPERS);
    const userId = optString(b, 'userId');
    const channelCode = optString(b, 'channelCode');
    res.json(runtime.loginRedirect({ ...(userId ? { userId } : {}), ...(channelCode ? { channelCode } : {}), ...(tamper ? { tamper } : {}) }));
  });
  r.post('/pay', (req, res) => {
    const b = body(req);
    const card = optString(b, 'card');
    const out = runtime.pay(orderRef(b), card);
    res.status(out.error ? 502 : 200).json({ order: viewOrder(out.order), behaviour: out.behaviour, ...(out.error ? { error: out.error } : {}) });
  });
  r.post('/abandon', (req, res) => {
    res.json({ order: runtime.abandon(orderRef(body(req))) });
  });
  r.post('/sign', (req, res) => {
    const b = body(req);
    const decision = oneOf(b, 'decision', SIGN_DECISIONS, true);
    const signId = optString(b, 'signId');
    const orderId = optString(b, 'orderId');
    if (!signId && !orderId) throw new UcspError('usage', 'give signId or orderId');
    res.json(runtime.decideSigning({ ...(signId ? { signId } : {}), ...(orderId ? { orderId } : {}) }, decision === 'agree'));
  });

  // ── act as the world ──
  r.get('/issuer/cards', (_req, res) => {
    res.json({ cards: TEST_CARDS, amountRules: AMOUNT_RULES, behaviours: ISSUER_BEHAVIOURS });
  });
  r.post('/issuer/outcome', (req, res) => {
    const b = body(req);
    const behaviour = oneOf<IssuerBehaviour>(b, 'behaviour', ISSUER_BEHAVIOURS, true)!;
    const orderId = optString(b, 'orderId');
    runtime.setOutcome(behaviour, orderId);
    res.json({ behaviour, scope: orderId ? { orderId } : 'next' });
  });
  r.post('/api/answer', (req, res) => {
    const b = body(req);
    const code = oneOf(b, 'code', RESPONSE_CODES, true)!;
    const msgType = oneOf(b, 'msgType', PARTNER_TO_UCSP_TYPES);
    if (msgType && !allowedResponseCodes(msgType).includes(code)) {
      throw new UcspError('usage', `${msgType} cannot be answered ${code}; PROFILE allows ${allowedResponseCodes(msgType).join(', ')}`);
    }
    runtime.forceAnswer(code, msgType);
    res.status(201).json({ code, scope: msgType ?? 'next request' });
  });
  // corrupt UCSP's answer to the next valid request (of a type) on its way: the request is processed as any
  r.post('/api/faults', (req, res) => {
    const b = body(req);
    const fault = oneOf<AnswerFaultKind>(b, 'fault', ANSWER_FAULT_KINDS, true)!;
    if (runtime.config.answerForm === 'minimal') {
      throw new UcspError('incorrect', `this sandbox answers in the minimal form (answerForm "minimal": no msgInfo, no signature), so a partner cannot tell a corrupted answer from a genuine one: a "${fault}" fault does not apply`);
    }
    const msgType = oneOf(b, 'msgType', PARTNER_TO_UCSP_TYPES);
    const code = oneOf<ResponseCode>(b, 'code', RESPONSE_CODES);
    if (code && !msgType) throw new UcspError('usage', 'code needs msgType: the code a corrupted answer claims must be one its message type allows');
    if (code && msgType && !allowedResponseCodes(msgType).includes(code)) {
      throw new UcspError('usage', `${msgType} cannot be answered ${code}; PROFILE allows ${allowedResponseCodes(msgType).join(', ')}`);
    }
    const times = b.times === undefined ? 1 : b.times;
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 1 || times > 1000) throw new UcspError('usage', 'times must be an integer from 1 to 1000');
    res.status(201).json(runtime.answerFaults.add({ fault, times, ...(msgType ? { msgType } : {}), ...(code ? { code } : {}) }));
  });
  r.get('/api/faults', (_req, res) => {
    res.json(runtime.answerFaults.list());
  });
  r.delete('/api/faults', (_req, res) => {
    runtime.answerFaults.clear();
    res.status(204).end();
  });
  r.post('/notices/faults', (req, res) => {
    const b = body(req);
    const action = oneOf<NoticeFaultAction>(b, 'action', NOTICE_FAULT_ACTIONS, true)!;
    const tamper = action === 'tamper' ? (oneOf<Tamper>(b, 'tamper', TAMPERS) ?? 'signature') : undefined;
    const times = b.times === undefined ? 1 : b.times;
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 1 || times > 1000) throw new UcspError('usage', 'times must be an integer from 1 to 1000');
    const orderId = optString(b, 'orderId');
    const msgType = oneOf(b, 'msgType', FAULTABLE_NOTICE_TYPES);
    const fault = runtime.notices.faults.add({
      action,
      times,
      ...(orderId ? { orderId } : {}),
      ...(msgType ? { msgType } : {}),
      ...(action === 'delay' ? { delayMs: nonNegative(b, 'delayMs') } : {}),
      ...(action === 'backdate' ? { ageMs: positive(b, 'ageMs') } : {}),
      ...(tamper ? { tamper } : {}),
    });
    res.status(201).json(fault);
  });
  r.get('/notices/faults', (_req, res) => {
    res.json(runtime.notices.faults.list());
  });
  r.get('/notices', async (req, res) => {
    const orderId = (req.query as Record<string, string | undefined>).orderId;
    const p = pageRequest(req);
    if (orderId) {
      const mine = new Map(runtime.notices.list({ orderId }).map((n) => [n.id, n]));
      return streamList(req, res, memoryPage(mine, p), (n) => n);
    }
    // with durable state, notices of orders that left memory are in the file only
    const paged = runtime.store?.paged;
    if (paged) {
      runtime.persist();
      return streamList(req, res, storePage(paged, 'notices', p), (n) => n);
    }
    return streamList(req, res, memoryPage(runtime.ledger.notices, p), (n) => n);
  });
  r.get('/notices/:id', (req, res) => {
    const n = runtime.notices.get(req.params.id);
    if (!n) throw new UcspError('not-found', `no notice ${req.params.id}`);
    res.json(n);
  });
  // a copy now: byte-identical ({}), tampered, edited (trxInfo) or with another result — the last
  // three are messages of their own, with a fresh msgID and timeStamp, signed by UCSP
  r.post('/notices/:id/send', async (req, res) => {
    const b = body(req);
    const tamper = oneOf<Tamper>(b, 'tamper', TAMPERS);
    const result = oneOf<NoticeResult>(b, 'result', NOTICE_RESULTS);
    let edit: Record<string, string> | undefined;
    if (b.trxInfo !== undefined) {
      const t = b.trxInfo as Record<string, unknown>;
      if (t === null || typeof t !== 'object' || Array.isArray(t) || Object.values(t).some((v) => typeof v !== 'string' || v.length > 512)) {
        throw new UcspError('usage', 'trxInfo must be an object of strings (the fields to change in the copy)');
      }
      edit = t as Record<string, string>;
    }
    const { attempt, text } = await runtime.notices.sendExtra(req.params.id, { ...(tamper ? { tamper } : {}), ...(edit ? { edit } : {}), ...(result ? { result } : {}) });
    const sent = JSON.parse(text) as { msgInfo: unknown; trxInfo: unknown; msgResponse?: unknown };
    res.json({ attempt, notice: runtime.notices.get(req.params.id), copy: { msgInfo: sent.msgInfo, trxInfo: sent.trxInfo, msgResponse: sent.msgResponse } });
  });
  r.post('/notices/:id/drop', (req, res) => {
    res.json(runtime.notices.drop(req.params.id));
  });
  r.post('/notices/:id/release', (req, res) => {
    // {"ms": N}: released to be sent N ms later on the sandbox clock (a delayed release, in one step)
    const b = body(req);
    res.json(runtime.notices.release(req.params.id, b.ms === undefined ? 0 : nonNegative(b, 'ms')));
  });
  r.post('/notices/:id/delay', (req, res) => {
    res.json(runtime.notices.delay(req.params.id, nonNegative(body(req), 'ms')));
  });
  r.get('/clock', (_req, res) => {
    const hold = runtime.clockHold.info;
    res.json({
      now: runtime.clock.now(),
      timeScale: runtime.clock.timeScale,
      nextTimerAt: runtime.clock.nextTimerAt() ?? null,
      hold: hold ? { since: hold.since, expiresAt: hold.expiresAt, previousScale: hold.previousScale } : null,
    });
  });
  // a conformance run takes the clock over (manual) for its duration; a lease, renewed by its holder
  r.post('/clock/hold', (req, res) => {
    const b = body(req);
    const ttlMs = b.ttlMs === undefined ? 60_000 : nonNegative(b, 'ttlMs', MAX_HOLD_TTL_MS);
    if (ttlMs < 1000) throw new UcspError('usage', 'ttlMs must be at least 1000');
    const holder = optString(b, 'holder');
    res.json(runtime.clockHold.hold(ttlMs, holder));
  });
  r.post('/clock/release', (req, res) => {
    const holder = optString(body(req), 'holder');
    if (!holder) throw new UcspError('usage', 'give the holder returned by POST /control/clock/hold');
    res.json(runtime.clockHold.release(holder));
  });
  // resolves when nothing the sandbox set in motion is still running (or says what is, after timeoutMs)
  r.post('/settle', async (req, res) => {
    const b = body(req);
    const timeoutMs = b.timeoutMs === undefined ? 30_000 : nonNegative(b, 'timeoutMs', 10 * 60_000);
    res.json(await runtime.settle(timeoutMs));
  });
  r.post('/clock/advance', async (req, res) => {
    const ms = nonNegative(body(req), 'ms');
    await runtime.clock.advance(ms);
    res.json({ now: runtime.clock.now(), nextTimerAt: runtime.clock.nextTimerAt() ?? null });
  });

  // ── read ──
  // the journal live, as server-sent events (event-stream.ts)
  r.get('/events', (req, res) => serveEvents(req, res, runtime.journal, viewJournal));
  r.get('/journal', async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    // the same filters as the event stream, checked the same way (an unknown channel is 400)
    const { filter, since } = eventRequest(req, { lastEventId: false });
    const limit = q.limit === undefined ? undefined : Number(q.limit);
    const waitMs = q.waitMs === undefined ? 0 : Number(q.waitMs);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UcspError('usage', 'limit must be a positive integer');
    if (!Number.isInteger(waitMs) || waitMs < 0 || waitMs > 60_000) throw new UcspError('usage', 'waitMs must be an integer from 0 to 60000');
    const query = () => runtime.journalEntries({ ...filter, ...(since !== undefined ? { sinceSeq: since } : {}), ...(limit !== undefined ? { limit } : {}) });
    let entries = query();
    // a long poll: with waitMs, an empty answer waits for the next matching entry (or the time)
    if (!entries.length && waitMs > 0) {
      const deadline = Date.now() + waitMs;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), waitMs)));
      let closed = false;
      res.on('close', () => (closed = true));
      try {
        while (!entries.length && !closed && Date.now() < deadline) {
          if ((await Promise.race([runtime.journal.next(), expired])) === 'expired') break;
          entries = query();
        }
      } finally {
        clearTimeout(timer);
      }
    }
    await streamList(req, res, { items: entries }, viewJournal, { key: 'entries', tail: { dropped: runtime.journal.dropped, lastSeq: runtime.journal.lastSeq } });
  });
  // paged (?limit, ?cursor) and streamed: see control-lists.ts
  r.get('/orders', async (req, res) => {
    const p = pageRequest(req);
    const paged = runtime.store?.paged;
    if (paged) {
      runtime.persist();
      return streamList(req, res, storePage<AnyOrder>(paged, 'orders', p), viewOrder);
    }
    return streamList(req, res, memoryPage(runtime.ledger.orders, p), viewOrder);
  });
  r.get('/orders/:orderId', (req, res) => {
    const o = runtime.ledger.orders.get(req.params.orderId);
    if (!o) throw new UcspError('not-found', `no order ${req.params.orderId}`);
    // an order awaiting its user says when UCSP fails it (orderExpirySeconds), on the sandbox clock
    const expiresAt = runtime.expiry.deadline(o.orderId);
    // the link a browser follows: the frontend payment's paymentUrl (with its key), the signing page's signUrl
    const link = o.kind === 'PAY' && o.source === 'frontend' ? { paymentUrl: runtime.paymentUrl(o.tn) } : o.kind === 'SIGN' ? { signUrl: runtime.settings.signUrl(o.signId) } : {};
    res.json({ ...viewOrder(o), ...link, ...(expiresAt === undefined ? {} : { expiresAt }) });
  });
  r.get('/contracts', async (req, res) => {
    await streamList(req, res, memoryPage(runtime.ledger.contracts, pageRequest(req)), (c) => c);
  });
  r.post('/reset', (_req, res) => {
    runtime.reset();
    res.status(204).end();
  });

  r.use((_req, res) => {
    res.status(404).json({ error: 'no such control call; see GET /control/openapi.json or the README "Control API" section' });
  });
  r.use(jsonErrors);
  return r;
}
