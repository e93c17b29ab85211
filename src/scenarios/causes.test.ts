import { describe, expect, it } from 'vitest';
import type { JournalEntry, SignatureVerdict } from '../journal/journal.js';
import { classifyRefusal, explainCheck, explainFailures, findFaults, noticeAnswerFault, normalizeReason } from './causes.js';
import type { CheckResult, ScenarioResult } from './results.js';

type Entry = JournalEntry & { parsed?: unknown };

const AMOUNT_NOTE = 'trxInfo.txnAmt: minor units, a whole number without a dot or leading zero ("1234" for 12.34 HKD) — got "12.34" (must match ^[1-9][0-9]{0,11}$ [pattern])';
const VALID: SignatureVerdict = { valid: true, summary: 'valid SHA256withRSA signature' };
const UNSIGNED: SignatureVerdict = { valid: false, problem: 'unsigned', summary: 'message is unsigned: signature is still the placeholder "00000000"' };

let seq = 0;
const base = (o: Partial<Entry>): Entry => ({ seq: ++seq, at: 0, wallAt: 0, direction: 'in', channel: 'api', raw: '', ...o });

/** A partner request (seq) and UCSP's answer to it (seq + 1). */
function exchange(msgType: string, trx: Record<string, string>, code: string, note?: string, o: { msgID?: string; signature?: SignatureVerdict } = {}): Entry[] {
  const msgID = o.msgID ?? `P12345678${String(seq + 1).padStart(20, '0')}`;
  const req = base({ msgType, msgID, ...(trx.orderId ? { orderId: trx.orderId } : {}), signature: o.signature ?? VALID, parsed: { msgInfo: { msgID, msgType }, trxInfo: trx } });
  const ans = base({ direction: 'out', msgType, msgID, ...(trx.orderId ? { orderId: trx.orderId } : {}), responseCode: code, replyTo: req.seq, ...(note ? { note } : {}), parsed: { trxInfo: trx } });
  return [req, ans];
}

/** A notice UCSP sent and the partner's answer. */
function notice(msgType: string, trx: Record<string, string>, a: { httpStatus?: number; responseCode?: string; signature?: SignatureVerdict; note?: string }, tamper?: string): Entry[] {
  const out = base({ direction: 'out', channel: 'notice', msgType, orderId: trx.orderId, parsed: { trxInfo: trx }, ...(tamper ? { note: `tampered copy (${tamper})` } : {}) });
  const ans = base({ direction: 'in', channel: 'notice', msgType, orderId: trx.orderId, replyTo: out.seq, ...a });
  return [out, ans];
}

const check = (scenario: string, id: string, message: string, actual?: unknown, status: CheckResult['status'] = 'failed'): CheckResult => ({
  key: `${scenario}#${id}`,
  id,
  title: id,
  severity: 'failure',
  ref: 'PROFILE §5',
  hint: `own hint of ${id}`,
  status,
  message,
  ...(actual === undefined ? {} : { actual }),
});

const scenario = (id: string, messages: Entry[], checks: CheckResult[]): ScenarioResult => ({
  id,
  title: id,
  capability: id.split('/')[0]!,
  refs: ['PROFILE §5'],
  status: checks.some((c) => c.status === 'failed') ? 'FAILED' : 'PASSED',
  durationMs: 1,
  checks,
  messages,
  log: [],
});

describe('classifyRefusal: which refusals are partner faults, and of what kind', () => {
  const req = (o: Partial<Entry> = {}) => base({ msgType: 'SUBMIT_PAYMENT_ORDER', msgID: 'P1234567800000000000001', signature: VALID, parsed: { trxInfo: { orderId: 'ORD00000001' } }, ...o });
  const ans = (responseCode: string, note?: string) => base({ direction: 'out', responseCode, ...(note ? { note } : {}) });
  it.each([
    ['10 on txnAmt alone', '10', AMOUNT_NOTE, undefined, 'amount-format'],
    ['10 on txnAmt as a number', '10', 'trxInfo.txnAmt: minor units, … — got 1234 (must be a string [type])', undefined, 'amount-format'],
    ['10 on txnAmt and currencyCode', '10', `${AMOUNT_NOTE}; trxInfo.currencyCode: the ISO 4217 numeric currency code — got "HKD" (must match ^[0-9]{3}$ [pattern])`, undefined, 'schema'],
    ['10 for another merId', '10', 'merId 999999999999999 is not the registered 123456789012345', undefined, 'schema'],
    ['10 for an unknown msgType', '10', 'unknown msgType "PAY"', undefined, 'schema'],
    ['11 for a bad signature', '11', 'signature does not verify', { valid: false, summary: 'signature does not verify', details: ['would verify under sha256-raw'] }, 'signature'],
    ['11 for a stale timeStamp', '11', "timeStamp 20261129165542 is 28801 s from UCSP's clock (allowed ±300 s, zone +08:00)", undefined, 'clock'],
    ['11 for a reused msgID', '11', 'msgID P1 was already used with other content', undefined, 'msgid-reuse'],
    ['36 for txnTime off the clock', '36', "txnTime 20261129165542 is 1200 s from UCSP's clock (allowed ±900 s, zone +08:00)", undefined, 'clock'],
    ['36 for a reused orderId', '36', 'orderId already used with other content', undefined, 'orderid-reuse'],
    ['36 for a state conflict (a verdict, not a fault)', '36', 'original payment is already cancelled', undefined, undefined],
    ['34 for an unknown order', '34', 'no payment order ORD00000001', undefined, undefined],
    ['01 declined', '01', 'contract C1 is closed', undefined, undefined],
    ['00', '00', undefined, undefined, undefined],
    ['05', '05', undefined, undefined, undefined],
    ['a 10 forced through the control API', '10', 'answer forced by the control API', undefined, undefined],
    ['a byte-for-byte repeat', '11', 'byte-for-byte repeat: the first answer again', undefined, undefined],
  ])('%s', (_what, code, note, signature, kind) => {
    const c = classifyRefusal(req(signature ? { signature } : {}), ans(code, note));
    expect(c?.kind).toBe(kind);
  });

  it('keeps UCSP reason as is, with what the skew suggests and the signature detail', () => {
    expect(classifyRefusal(req(), ans('10', AMOUNT_NOTE))?.reason).toBe(AMOUNT_NOTE);
    expect(classifyRefusal(req(), ans('11', "timeStamp 20261129165542 is 28801 s from UCSP's clock (allowed ±300 s, zone +08:00)"))?.reason).toMatch(/— 8 h off: written in another zone\?$/);
    expect(classifyRefusal(req(), ans('36', "txnTime 20261129165542 is 1200 s from UCSP's clock (allowed ±900 s, zone +08:00)"))?.reason).not.toMatch(/h off/);
    const sig = classifyRefusal(req({ signature: { valid: false, summary: 'signature does not verify', details: ['would verify under sha256-raw'] } }), ans('11', 'signature does not verify'));
    expect(sig?.reason).toBe('signature does not verify (would verify under sha256-raw)');
  });
});

describe('noticeAnswerFault: answers UCSP can never accept, not verdicts it may get', () => {
  const sent = (note?: string) => base({ direction: 'out', channel: 'notice', ...(note ? { note } : {}) });
  const answer = (o: Partial<Entry>) => base({ channel: 'notice', ...o });
  it.each([
    ['HTTP 500', { httpStatus: 500, note: 'HTTP 500' }, undefined, /answered HTTP 500/],
    ['no answer', { note: 'no answer within 5000 ms' }, undefined, /no answer within 5000 ms/],
    ['an unsigned 00', { httpStatus: 200, responseCode: '00', signature: UNSIGNED, note: `answer signature invalid: ${UNSIGNED.summary}` }, undefined, /unsigned/],
    ['msgInfo not echoed', { httpStatus: 200, responseCode: '00', signature: VALID, note: 'answer does not echo msgInfo (msgID differ)' }, undefined, /does not echo/],
    ['not a message', { httpStatus: 200, note: 'answer is not a message: invalid JSON' }, undefined, /not a message/],
    ['a malformed 00', { httpStatus: 200, responseCode: '00', signature: VALID, note: 'answer is malformed: trxInfo: is required [required]' }, undefined, /malformed: trxInfo/],
    ['a signed 34 (a verdict)', { httpStatus: 200, responseCode: '34', signature: VALID, note: 'answered 34' }, undefined, undefined],
    ['a signed 00', { httpStatus: 200, responseCode: '00', signature: VALID }, undefined, undefined],
    ['HTTP 500 to a tampered copy (judged by its own check)', { httpStatus: 500, note: 'HTTP 500' }, 'tampered copy (signature)', undefined],
  ])('%s', (_what, a, tamper, expected) => {
    const problem = noticeAnswerFault(answer(a), sent(tamper));
    if (expected) expect(problem).toMatch(expected);
    else expect(problem).toBeUndefined();
  });
});

describe('normalizeReason: one group whatever the values', () => {
  it.each([
    [AMOUNT_NOTE, AMOUNT_NOTE.replace('got "12.34"', 'got "99.04"')],
    ['msgID P1234567820261130005527708195 was already used with other content', 'msgID P1234567820261130005531708282 was already used with other content'],
    ["timeStamp 20261129165542 is 28801 s from UCSP's clock (allowed ±300 s, zone +08:00)", "timeStamp 20261129170000 is 28800 s from UCSP's clock (allowed ±300 s, zone +08:00)"],
    ['trxInfo.txnAmt: … — got 1234 (must be a string [type])', 'trxInfo.txnAmt: … — got 99 (must be a string [type])'],
  ])('%s', (a, b) => {
    expect(normalizeReason(a)).toBe(normalizeReason(b));
  });
  it('keeps different rules and fields apart', () => {
    expect(normalizeReason('trxInfo.txnAmt: x — got "1" (must match ^a$ [pattern])')).not.toBe(normalizeReason('trxInfo.orderId: x — got "1" (must match ^a$ [pattern])'));
  });
});

describe('explainCheck: a cause only with evidence', () => {
  const S = 'frontend-payment/happy-path';
  const messages = [
    ...exchange('SUBMIT_PAYMENT_ORDER', { orderId: 'ORD00000001', txnAmt: '12.34' }, '10', AMOUNT_NOTE),
    ...exchange('PAYMENT_RESULT_INQUIRY', { orderId: 'ORD00000001' }, '34', 'no payment order ORD00000001'),
    // an unrelated order in the same scenario, accepted
    ...exchange('SUBMIT_PAYMENT_ORDER', { orderId: 'ORD00000002', txnAmt: '1234' }, '00'),
  ];
  const faults = findFaults(scenario(S, messages, []));

  it('finds one fault (the 34 that follows it is not another)', () => {
    expect(faults.map((f) => [f.kind, f.code, f.msgType])).toEqual([['amount-format', '10', 'SUBMIT_PAYMENT_ORDER']]);
    expect(faults[0]!.codes).toEqual(new Set(['10', '34']));
  });

  it.each([
    ['the reported code of the refused request', check(S, 'order-accepted-00', 'order.responseCode is 10', '10'), 'downstream'],
    ['the order UCSP never held', check(S, 'order-paid-after-notice', 'order ORD00000001 is FAILED', 'FAILED'), 'downstream'],
    ['no notice for it', check(S, 'notice-answered-00', 'UCSP sent no notice for order ORD00000001', 'no notice'), 'downstream'],
    ['an inquiry answered 34 because the order never existed', check(S, 'paid-order-inquiry-answered-00', 'inquiry.responseCode is 34', '34'), 'downstream'],
    ['a step that could not act on it', check(S, 'step-4', 'the partner could not refundPayment: payment ORD00000001 is FAILED: nothing to refund'), 'downstream'],
    ['a refusal check that saw the code', check(S, 'refused', 'it went through (UCSP answered 10)', { status: 200, responseCode: '10' }), 'downstream'],
    ['the rule check that owns it', check(S, 'amounts-in-minor-units', 'SUBMIT_PAYMENT_ORDER: txnAmt "12.34" is not an integer count of minor units'), 'same'],
    ['the schema rule, which sees the same 10', check(S, 'requests-match-schema', `SUBMIT_PAYMENT_ORDER P1: ${AMOUNT_NOTE}`), 'same'],
  ])('explains %s', (_what, c, role) => {
    expect(explainCheck(c, faults)).toMatchObject({ fault: faults[0], role });
  });

  it.each([
    ['a forged notice answered 00', check(S, 'forged-notice-answered-11', 'forged.responseCode is 00', '00')],
    ['another order, accepted', check(S, 'other-order-paid', 'order ORD00000002 is FAILED', 'FAILED')],
    ['a code UCSP did not give', check(S, 'code-01-reported', 'o01.responseCode is 99', '99')],
    ['a rule check of another kind (signatures)', check(S, 'requests-signed', 'SUBMIT_PAYMENT_ORDER P1: bad signature')],
    ['a rule check of another kind (time zone)', check(S, 'times-in-utc-plus-8', 'SUBMIT_PAYMENT_ORDER: txnTime 20261129165544 is -28800 s from the sandbox clock')],
    ['a login refused', check(S, 'stale-login-refused', 'the partner accepted it (200)', 200)],
    ['a notice still pending (no notice fault here)', check(S, 'genuine-notice-answered-00', 'notice N00000016 is PENDING', 'PENDING')],
  ])('leaves its own reason to %s', (_what, c) => {
    expect(explainCheck(c, faults)).toBeUndefined();
  });

  it('finds no fault in forced answers, verdict codes or a clean journal', () => {
    const forced = [
      ...exchange('SUBMIT_PAYMENT_ORDER', { orderId: 'ORD00000003' }, '10', 'answer forced by the control API'),
      ...exchange('PAYMENT_REFUND', { orderId: 'REF00000001', origQryId: 'Q'.repeat(21) }, '36', 'original payment is already cancelled'),
      ...exchange('PAYMENT_RESULT_INQUIRY', { orderId: 'ORD00000004' }, '34', 'no payment order ORD00000004'),
    ];
    expect(findFaults(scenario('x/forced', forced, []))).toEqual([]);
    expect(explainCheck(check('x/forced', 'code-10-not-paid', 'order ORD00000003 is PAID', 'PAID'), findFaults(scenario('x/forced', forced, [])))).toBeUndefined();
  });

  it('links an order to a refused cancellation through its queryId', () => {
    const q = '1'.repeat(21);
    const m = [
      ...exchange('SUBMIT_PAYMENT_ORDER', { orderId: 'ORD00000005' }, '00'),
      ...notice('PAYMENT_RESULT_NOTICE', { orderId: 'ORD00000005', queryId: q }, { httpStatus: 200, responseCode: '00', signature: VALID }),
      ...exchange('PAYMENT_CANCELLATION', { orderId: 'CNL00000001', origQryId: q }, '11', 'msgID P9 was already used with other content', { msgID: 'P9REUSED0001' }),
    ];
    const f = findFaults(scenario('cancellation/full-cancellation', m, []));
    expect(f.map((x) => x.kind)).toEqual(['msgid-reuse']);
    expect(explainCheck(check('cancellation/full-cancellation', 'payment-cancelled', 'order ORD00000005 is PAID', 'PAID'), f)).toMatchObject({ role: 'downstream' });
  });

  it('does not take a code the partner itself gave to a notice for UCSP’s', () => {
    const m = [
      ...exchange('PAYMENT_RESULT_INQUIRY', { orderId: 'ORD00000006' }, '11', 'msgID P9 was already used with other content'),
      ...notice('PAYMENT_RESULT_NOTICE', { orderId: 'ORD00000007' }, { httpStatus: 200, responseCode: '11', signature: VALID, note: 'answered 11' }, 'signature'),
    ];
    const f = findFaults(scenario('frontend-payment/notice-unknown-order', m, []));
    expect(explainCheck(check('frontend-payment/notice-unknown-order', 'unknown-order-notice-answered-34', 'stranger.responseCode is 11', '11'), f)).toBeUndefined();
    expect(explainCheck(check('frontend-payment/notice-unknown-order', 'inquiry-answered-00', 'inquiry of ORD00000006 answered 11'), f)).toMatchObject({ role: 'downstream' });
  });

  it('ties notice checks to a notice answer UCSP could not accept', () => {
    const m = [
      ...exchange('SUBMIT_PAYMENT_ORDER', { orderId: 'ORD00000008' }, '00'),
      ...notice('PAYMENT_RESULT_NOTICE', { orderId: 'ORD00000008' }, { httpStatus: 500, note: 'HTTP 500' }),
    ];
    const f = findFaults(scenario('frontend-payment/notice-forged-signature', m, []));
    expect(f.map((x) => [x.kind, x.code])).toEqual([['notice-answer', 'HTTP 500']]);
    expect(explainCheck(check('x', 'notice-answered-00', 'the partner answered HTTP 500 (HTTP 500)', 'HTTP 500'), f)).toMatchObject({ role: 'same' });
    expect(explainCheck(check('x', 'duplicate-notice-answered-00', 'notice N00000088 has no extra attempt'), f)).toMatchObject({ role: 'same' });
    expect(explainCheck(check('x', 'forged-notice-answered-11', 'forged.responseCode is undefined'), f)).toMatchObject({ role: 'downstream' });
    expect(explainCheck(check('x', 'forged-notice-answered-11', 'forged.responseCode is 00', '00'), f)).toBeUndefined();
    expect(explainCheck(check('x', 'order-paid-after-notice', 'order ORD00000009 is CREATED', 'CREATED'), f)).toBeUndefined();
  });
});

describe('explainFailures: causes on checks, groups for the summary', () => {
  const HP = 'frontend-payment/happy-path';
  const AD = 'auto-debit/charge-by-notice';
  const NT = 'frontend-payment/notice-late';
  const LG = 'login/stale';
  const results = () => [
    scenario(AD, exchange('SUBMIT_AUTO_DEBIT', { orderId: 'ADB00000001', contractId: 'C00000001', txnAmt: '99.04' }, '10', AMOUNT_NOTE.replace('got "12.34"', 'got "99.04"')), [
      check(AD, 'charge-accepted-05', 'charge.responseCode is 10', '10'),
      check(AD, 'charge-paid-after-notice', 'order ADB00000001 is FAILED', 'FAILED'),
      check(AD, 'contract-active', 'contract C00000001 is ACTIVE', 'ACTIVE', 'passed'),
    ]),
    scenario(HP, exchange('SUBMIT_PAYMENT_ORDER', { orderId: 'ORD00000001', txnAmt: '12.34' }, '10', AMOUNT_NOTE), [
      check(HP, 'order-accepted-00', 'order.responseCode is 10', '10'),
      check(HP, 'amounts-in-minor-units', 'SUBMIT_PAYMENT_ORDER: txnAmt "12.34" is not an integer count of minor units'),
      check(HP, 'requests-match-schema', `SUBMIT_PAYMENT_ORDER P1: ${AMOUNT_NOTE}`),
      check(HP, 'notice-answered-00', 'UCSP sent no notice for order ORD00000001', 'no notice', 'waived'),
    ]),
    scenario(NT, [...exchange('SUBMIT_PAYMENT_ORDER', { orderId: 'ORD00000002', txnAmt: '1234' }, '00'), ...notice('PAYMENT_RESULT_NOTICE', { orderId: 'ORD00000002' }, { httpStatus: 500, note: 'HTTP 500' })], [
      check(NT, 'late-notice-answered-00', 'the partner answered HTTP 500 (HTTP 500)', 'HTTP 500'),
    ]),
    scenario(LG, [], [check(LG, 'stale-login-refused', 'the partner accepted it (200)', 200)]),
  ];

  it('groups the failures that share a cause, most first, each with its owner and first sighting', () => {
    const { causes } = explainFailures(results());
    expect(causes.map((g) => [g.kind, g.code, g.failures])).toEqual([
      ['amount-format', '10', 5],
      ['notice-answer', 'HTTP 500', 1],
    ]);
    const [amount, noticeGroup] = causes;
    expect(amount!.owner).toBe(`${HP}#amounts-in-minor-units`);
    expect(amount!.ownerHint).toBe('own hint of amounts-in-minor-units');
    expect(amount!.msgTypes).toEqual(['SUBMIT_AUTO_DEBIT', 'SUBMIT_PAYMENT_ORDER']);
    expect(amount!.firstSeen).toMatchObject({ scenario: AD, msgType: 'SUBMIT_AUTO_DEBIT' });
    expect(amount!.summary).toBe(`UCSP answered 10 to SUBMIT_AUTO_DEBIT, SUBMIT_PAYMENT_ORDER — ${AMOUNT_NOTE.replace('got "12.34"', 'got "99.04"')}`);
    expect(amount!.checks).toEqual([`${AD}#charge-accepted-05`, `${AD}#charge-paid-after-notice`, `${HP}#order-accepted-00`, `${HP}#amounts-in-minor-units`, `${HP}#requests-match-schema`]);
    // the owner is not run: the canonical key stays the pointer
    expect(noticeGroup!.owner).toBe(`${HP}#notice-answered-00`);
    expect(noticeGroup!.summary).toMatch(/^UCSP could not accept the partner's answers to PAYMENT_RESULT_NOTICE — the partner answered HTTP 500/);
  });

  it('attaches the cause to each failed check it explains, leading with UCSP’s code and reason', () => {
    const { scenarios } = explainFailures(results());
    const byKey = new Map(scenarios.flatMap((r) => r.checks).map((c) => [c.key, c]));
    expect(byKey.get(`${HP}#order-accepted-00`)!.cause).toMatchObject({
      role: 'downstream',
      code: '10',
      owner: `${HP}#amounts-in-minor-units`,
      summary: `downstream of: UCSP refused SUBMIT_PAYMENT_ORDER with 10 — ${AMOUNT_NOTE}`,
    });
    expect(byKey.get(`${HP}#amounts-in-minor-units`)!.cause).toMatchObject({ role: 'owner', summary: `UCSP refused SUBMIT_PAYMENT_ORDER with 10 — ${AMOUNT_NOTE}` });
    expect(byKey.get(`${HP}#requests-match-schema`)!.cause?.role).toBe('same');
    // each scenario's own refusal, with its own value
    expect(byKey.get(`${AD}#charge-accepted-05`)!.cause?.reason).toContain('got "99.04"');
    // own hints are kept
    expect(byKey.get(`${HP}#order-accepted-00`)!.hint).toBe('own hint of order-accepted-00');
    // never on passed or waived checks, never on a failure of its own
    expect(byKey.get(`${AD}#contract-active`)!.cause).toBeUndefined();
    expect(byKey.get(`${HP}#notice-answered-00`)!.cause).toBeUndefined();
    expect(byKey.get(`${LG}#stale-login-refused`)!.cause).toBeUndefined();
  });

  it('counts in each group exactly the failed checks that carry its cause', () => {
    const { scenarios, causes } = explainFailures(results());
    const failed = scenarios.flatMap((r) => r.checks).filter((c) => c.status === 'failed');
    for (const g of causes) expect(failed.filter((c) => c.cause?.id === g.id).map((c) => c.key)).toEqual(g.checks);
    expect(causes.reduce((n, g) => n + g.failures, 0)).toBe(failed.filter((c) => c.cause).length);
  });

  it('does not change its input, and returns scenarios without faults as they were', () => {
    const input = results();
    const copy = structuredClone(input);
    const { scenarios } = explainFailures(input);
    expect(input).toEqual(copy);
    expect(scenarios[3]).toBe(input[3]);
  });

  it('has no causes for a run without faults', () => {
    expect(explainFailures([scenario(LG, [], [check(LG, 'stale-login-refused', 'the partner accepted it (200)', 200)])]).causes).toEqual([]);
  });
});
