/**
 * Why the checks failed, found in the journal: the partner requests UCSP refused (10 format,
 * 11 signature, clock or msgID, 36 txnTime or orderId reuse) and the notice answers UCSP could not
 * accept (HTTP ≠ 200, unsigned, unreadable, no answer). Each failed check that such a fault
 * explains gets a `cause` naming UCSP's code and reason and the check that owns the fault; the run
 * gets the groups of failures that share a cause. Pure: results in, results and groups out.
 *
 * A cause is only attributed with evidence — never by proximity alone: a check that exists to
 * catch the fault (by its id), or a check whose finding names what the fault touched (the refused
 * request's order, contract or msgID, an order linked to it, the code UCSP gave it or a request
 * that followed from it). A check failing for a reason of its own keeps its own hint.
 */
import type { CauseGroup, CauseKind, CauseOccurrence, CheckCause, CheckResult, ScenarioResult } from './results.js';

type Entry = ScenarioResult['messages'][number];

/** The check that owns each kind of cause: its hint says how to fix it (first one that ran). */
export const CAUSE_OWNERS: Readonly<Record<CauseKind, readonly string[]>> = {
  'amount-format': ['frontend-payment/happy-path#amounts-in-minor-units'],
  schema: ['frontend-payment/happy-path#requests-match-schema'],
  signature: ['frontend-payment/happy-path#requests-signed'],
  clock: ['frontend-payment/happy-path#times-in-utc-plus-8'],
  'msgid-reuse': ['frontend-payment/happy-path#request-msgids-unique'],
  'orderid-reuse': ['refund/partial-then-full#requests-use-new-order-ids', 'cancellation/full-cancellation#requests-use-new-order-ids'],
  'notice-answer': ['frontend-payment/happy-path#notice-answered-00'],
};

/** Checks (by id) that judge a kind of fault directly: they fail because of it, or for no cause here. */
const DETECTS: Readonly<Record<string, readonly CauseKind[]>> = {
  'amounts-in-minor-units': ['amount-format'],
  'requests-match-schema': ['amount-format', 'schema'],
  'requests-signed': ['signature'],
  'times-in-utc-plus-8': ['clock'],
  'request-msgids-unique': ['msgid-reuse'],
  'requests-use-new-order-ids': ['orderid-reuse'],
};

/** trxInfo fields that name an order, a transaction or a contract: what ties messages together. */
const ID_FIELDS = ['orderId', 'queryId', 'origQryId', 'contractId', 'tn'] as const;
/** Shorter strings are too likely to occur by chance in a check's message. */
const MIN_TOKEN = 6;
const OK_CODES = new Set(['00', '05']);

/** A fault found in one scenario's journal. */
export interface Fault {
  kind: CauseKind;
  /** Group id: the kind, the code and the reason without its values. */
  group: string;
  code: string;
  msgType: string;
  reason: string;
  at: CauseOccurrence;
  notice: boolean;
  /** The answer carried no response code (HTTP error, no answer): what the partner could report is nothing. */
  noCode: boolean;
  /** Orders, transactions and contracts linked to the faulty message. */
  ids: Set<string>;
  /** The codes UCSP gave to it and to the partner's later requests about the same orders. */
  codes: Set<string>;
  /** Values the fault is about: the msgID, the offending value of a format error, the time. */
  tokens: string[];
}

const trxOf = (e: Entry | undefined): Record<string, unknown> => {
  const t = (e?.parsed as { trxInfo?: unknown } | undefined)?.trxInfo;
  return t !== null && typeof t === 'object' ? (t as Record<string, unknown>) : {};
};

function idsOf(e: Entry): string[] {
  const trx = trxOf(e);
  const out = new Set<string>();
  if (e.orderId) out.add(e.orderId);
  for (const f of ID_FIELDS) if (typeof trx[f] === 'string' && trx[f]) out.add(trx[f]);
  return [...out];
}

/** The reason without the values that differ from one request to the next, for grouping. */
export function normalizeReason(reason: string): string {
  return reason
    .replace(/got (?:"(?:[^"\\]|\\.)*"|[^\s;()]+)/g, 'got …')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\b(?=[0-9A-Za-z]*[0-9])[0-9A-Za-z]{5,}\b/g, '#');
}

/** The field paths a 10 names (`trxInfo.txnAmt: …; msgInfo.insID: …`). */
function diagnosticPaths(note: string): string[] {
  return [...note.matchAll(/(?:^|; )([A-Za-z]+(?:\.[A-Za-z0-9]+)*): /g)].map((m) => m[1]!);
}

/** A clock reason, with the likely mistake when the skew is a whole number of hours. */
function clockReason(note: string): string {
  const m = /is (\d+) s from UCSP's clock/.exec(note);
  if (!m) return note;
  const hours = Number(m[1]) / 3600;
  const whole = Math.round(hours);
  return whole >= 1 && Math.abs(whole - hours) < 0.05 ? `${note} — ${whole} h off: written in another zone?` : note;
}

/** What kind of partner fault a refusal is; undefined when UCSP's answer blames no one (forced, expected, downstream). */
export function classifyRefusal(request: Entry, answer: Entry): Pick<Fault, 'kind' | 'reason' | 'tokens'> | undefined {
  const code = answer.responseCode ?? '';
  const note = answer.note ?? '';
  if (OK_CODES.has(code) || note.startsWith('answer forced') || note.startsWith('answer corrupted') || note.startsWith('byte-for-byte repeat')) return undefined;
  const msgID = request.msgID && request.msgID.length >= MIN_TOKEN ? [request.msgID] : [];
  const got = [...note.matchAll(/got "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!).filter((v) => v.length >= 4);
  const time = [...note.matchAll(/^(?:timeStamp|txnTime) ([0-9]{14})/g)].map((m) => m[1]!);
  if (code === '10') {
    const paths = diagnosticPaths(note);
    const amountOnly = paths.length > 0 && paths.every((p) => p.split('.').pop() === 'txnAmt');
    return { kind: amountOnly ? 'amount-format' : 'schema', reason: note || 'Message Format Invalid', tokens: [...msgID, ...got] };
  }
  if (code === '11') {
    if (/^timeStamp .* from UCSP's clock/.test(note)) return { kind: 'clock', reason: clockReason(note), tokens: [...msgID, ...time] };
    if (/^msgID .* already used/.test(note)) return { kind: 'msgid-reuse', reason: note, tokens: msgID };
    const sig = request.signature;
    const detail = sig && !sig.valid && sig.details?.length ? ` (${sig.details[0]})` : '';
    return { kind: 'signature', reason: `${note || sig?.summary || 'Signature Verification Fails'}${detail}`, tokens: msgID };
  }
  if (code === '36') {
    if (/^txnTime .* from UCSP's clock/.test(note)) return { kind: 'clock', reason: clockReason(note), tokens: [...msgID, ...time] };
    if (/^orderId already used/.test(note)) {
      const orderId = typeof trxOf(request).orderId === 'string' ? [trxOf(request).orderId as string] : [];
      return { kind: 'orderid-reuse', reason: `${note} (orderId ${orderId[0] ?? '?'})`, tokens: [...msgID, ...orderId] };
    }
  }
  return undefined;
}

/** Whether the partner's answer to a notice is one UCSP can never accept (not a verdict it may give, like 34). */
export function noticeAnswerFault(answer: Entry, notice: Entry | undefined): string | undefined {
  if (notice?.note?.startsWith('tampered copy')) return undefined; // its own checks judge the answer to a forgery
  if (answer.httpStatus === undefined) return answer.note ?? 'no answer';
  if (answer.httpStatus !== 200) return `the partner answered HTTP ${answer.httpStatus}, not HTTP 200 with a signed message: UCSP keeps retrying`;
  if (answer.signature && !answer.signature.valid) return answer.note ?? `answer signature invalid: ${answer.signature.summary}`;
  if (answer.note && /^answer (is not a message|could not be read|does not echo msgInfo|is malformed)/.test(answer.note)) return answer.note;
  return undefined;
}

class Links {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  union(ids: string[]): void {
    for (const id of ids.slice(1)) {
      const a = this.find(ids[0]!);
      const b = this.find(id);
      if (a !== b) this.parent.set(b, a);
    }
  }
}

/** The faults in one scenario's journal, oldest first, each with what it is linked to. */
export function findFaults(r: ScenarioResult): Fault[] {
  const links = new Links();
  const all: string[] = [];
  for (const e of r.messages) {
    if (e.channel !== 'api' && e.channel !== 'notice') continue;
    const ids = idsOf(e);
    all.push(...ids);
    if (ids.length) links.union(ids);
  }
  const bySeq = new Map(r.messages.map((e) => [e.seq, e]));
  const answers = r.messages.filter((e) => e.replyTo !== undefined);
  const requests = r.messages.filter((e) => e.channel === 'api' && e.direction === 'in');
  const answerTo = new Map(answers.filter((e) => e.channel === 'api').map((e) => [e.replyTo!, e]));
  // A code the partner itself gave in a notice answer says nothing about which side a reported code came from.
  const partnerCodes = new Set(answers.filter((e) => e.channel === 'notice' && e.responseCode).map((e) => e.responseCode!));
  const faults: Fault[] = [];
  const componentOf = (e: Entry) => {
    const roots = new Set(idsOf(e).map((id) => links.find(id)));
    return new Set(all.filter((id) => roots.has(links.find(id))));
  };
  for (const req of requests) {
    const ans = answerTo.get(req.seq);
    if (!ans) continue;
    const c = classifyRefusal(req, ans);
    if (!c) continue;
    const code = ans.responseCode!;
    const ids = componentOf(req);
    const codes = new Set([code]);
    for (const later of requests) {
      if (later.seq <= req.seq) continue;
      const a = answerTo.get(later.seq);
      if (a?.responseCode && !OK_CODES.has(a.responseCode) && idsOf(later).some((id) => ids.has(id))) codes.add(a.responseCode);
    }
    for (const p of partnerCodes) codes.delete(p);
    const msgType = req.msgType ?? 'UNKNOWN';
    faults.push({
      ...c,
      group: `${c.kind}:${code}:${c.kind === 'amount-format' ? 'txnAmt' : normalizeReason(c.reason)}`,
      code,
      msgType,
      at: { scenario: r.id, seq: req.seq, msgType, ...(req.msgID ? { msgID: req.msgID } : {}) },
      notice: false,
      noCode: false,
      ids,
      codes,
    });
  }
  for (const ans of answers) {
    if (ans.channel !== 'notice' || ans.direction !== 'in') continue;
    const sent = bySeq.get(ans.replyTo!);
    const problem = noticeAnswerFault(ans, sent);
    if (!problem) continue;
    const code = ans.httpStatus !== 200 ? (ans.httpStatus ? `HTTP ${ans.httpStatus}` : 'no answer') : (ans.responseCode ?? 'no code');
    const msgType = ans.msgType ?? 'UNKNOWN';
    faults.push({
      kind: 'notice-answer',
      group: `notice-answer:${normalizeReason(problem)}`,
      code,
      msgType,
      reason: problem,
      at: { scenario: r.id, seq: ans.seq, msgType, ...(ans.msgID ? { msgID: ans.msgID } : {}) },
      notice: true,
      noCode: ans.responseCode === undefined,
      ids: componentOf(ans),
      codes: new Set([code]),
      tokens: [],
    });
  }
  return faults.sort((a, b) => a.at.seq - b.at.seq);
}

/** The fault's line: what UCSP did and why. */
export function describeFault(f: Pick<Fault, 'notice' | 'msgType' | 'code' | 'reason'>): string {
  return f.notice ? `UCSP could not accept the partner's answer to ${f.msgType} — ${f.reason}` : `UCSP refused ${f.msgType} with ${f.code} — ${f.reason}`;
}

const textOf = (c: CheckResult) => `${c.message} ${c.actual === undefined ? '' : JSON.stringify(c.actual)}`;

function reportedCode(c: CheckResult): string | undefined {
  const a = c.actual;
  if (typeof a === 'string' || typeof a === 'number') return String(a);
  if (a !== null && typeof a === 'object' && 'responseCode' in a) return String((a as { responseCode: unknown }).responseCode);
  return undefined;
}

/** The fault that explains a failed check, and how; undefined when the check fails for a reason of its own. */
export function explainCheck(c: CheckResult, faults: Fault[]): { fault: Fault; role: 'same' | 'downstream' } | undefined {
  const detects = Object.hasOwn(DETECTS, c.id) ? DETECTS[c.id] : undefined;
  if (detects) {
    const f = faults.find((x) => detects.includes(x.kind));
    return f ? { fault: f, role: 'same' } : undefined;
  }
  const text = textOf(c);
  const code = reportedCode(c);
  for (const f of faults) {
    if (f.notice) {
      if (code !== undefined && f.codes.has(code) && /answered/.test(c.message)) return { fault: f, role: 'same' };
      if (/^notice \S+ (is|has no) /.test(c.message)) return { fault: f, role: 'same' };
      if (f.noCode && c.actual === undefined && /\.responseCode is undefined$/.test(c.message)) return { fault: f, role: 'downstream' };
    }
    if (f.kind === 'orderid-reuse' && f.tokens.some((t) => c.message === `both are ${t}`)) return { fault: f, role: 'same' };
    if (!f.notice && code !== undefined && f.codes.has(code)) return { fault: f, role: 'downstream' };
    if ([...f.ids, ...f.tokens].some((t) => t.length >= MIN_TOKEN && text.includes(t))) return { fault: f, role: 'downstream' };
  }
  return undefined;
}

function resolveOwner(kind: CauseKind, checks: Map<string, CheckResult>, byId: Map<string, CheckResult>): { owner: string; check?: CheckResult } {
  const candidates = CAUSE_OWNERS[kind];
  for (const key of candidates) if (checks.has(key)) return { owner: key, check: checks.get(key)! };
  for (const key of candidates) {
    const c = byId.get(key.split('#')[1]!);
    if (c) return { owner: c.key, check: c };
  }
  return { owner: candidates[0]! };
}

/**
 * Attaches a cause to every failed check that a fault explains, and groups them. Returns new
 * scenario results (the input is not changed) and the groups, most failures first.
 */
export function explainFailures(results: ScenarioResult[]): { scenarios: ScenarioResult[]; causes: CauseGroup[] } {
  const checks = new Map<string, CheckResult>();
  const byId = new Map<string, CheckResult>();
  for (const r of results) for (const c of r.checks) {
    checks.set(c.key, c);
    if (!byId.has(c.id)) byId.set(c.id, c);
  }
  const groups = new Map<string, CauseGroup>();
  const scenarios = results.map((r) => {
    const faults = findFaults(r);
    for (const f of faults) {
      if (groups.has(f.group)) continue;
      const { owner, check } = resolveOwner(f.kind, checks, byId);
      groups.set(f.group, {
        id: f.group,
        kind: f.kind,
        code: f.code,
        msgTypes: [],
        reason: f.reason,
        summary: '',
        owner,
        ...(check ? { ownerRef: check.ref, ownerHint: check.hint } : {}),
        firstSeen: f.at,
        failures: 0,
        checks: [],
      });
    }
    if (!faults.length || !r.checks.some((c) => c.status === 'failed')) return r;
    return {
      ...r,
      checks: r.checks.map((c) => {
        if (c.status !== 'failed') return c;
        const found = explainCheck(c, faults);
        if (!found) return c;
        const g = groups.get(found.fault.group)!;
        g.failures++;
        g.checks.push(c.key);
        if (!g.msgTypes.includes(found.fault.msgType)) g.msgTypes.push(found.fault.msgType);
        const role = c.key === g.owner ? 'owner' : found.role;
        const line = describeFault(found.fault);
        const cause: CheckCause = {
          id: g.id,
          kind: found.fault.kind,
          role,
          code: found.fault.code,
          reason: found.fault.reason,
          owner: g.owner,
          seenAt: found.fault.at,
          summary: role === 'downstream' ? `downstream of: ${line}` : line,
        };
        return { ...c, cause };
      }),
    };
  });
  const causes = [...groups.values()]
    .filter((g) => g.failures > 0)
    .map((g) => ({ ...g, summary: g.kind === 'notice-answer' ? `UCSP could not accept the partner's answers to ${g.msgTypes.join(', ')} — ${g.reason}` : `UCSP answered ${g.code} to ${g.msgTypes.join(', ')} — ${g.reason}` }))
    .sort((a, b) => b.failures - a.failures);
  return { scenarios, causes };
}
