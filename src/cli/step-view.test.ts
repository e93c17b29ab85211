import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { JournalView } from '../scenarios/sandbox-client.js';
import type { ScenarioResult } from '../scenarios/results.js';
import type { Scenario } from '../scenarios/scenario-schema.js';
import { checkLine, describeAction, entryLines, formatParams, numberActions, resultLines } from './step-view.js';

const plain = new Chalk({ level: 0 });

const scenario = {
  id: 'x/y',
  title: 't',
  capability: 'frontend-payment',
  refs: ['PROFILE §6.2'],
  steps: [
    { drive: 'submitPaymentOrder', with: { txnAmt: '1234' }, as: 'order' },
    { check: 'a', title: 'A', ref: 'PROFILE §6.2', hint: 'h', expect: { result: { from: 'order.responseCode', is: '00' } } },
    { user: 'pay', with: { orderId: '${order.orderId}' } },
    { check: 'b', title: 'B', ref: 'PROFILE §6.3', hint: 'h', expect: { result: { from: 'order.responseCode', is: '00' } } },
    { world: 'advance', with: { ms: 15000 } },
  ],
} as unknown as Scenario;

const entry = (e: Partial<JournalView>): JournalView => ({ seq: 5, at: 0, wallAt: 0, direction: 'in', channel: 'notice', raw: '', ...e }) as JournalView;

describe('step view', () => {
  it('numbers the actions 1, 2, 3 — checks are not steps', () => {
    const n = numberActions(scenario);
    expect(n.total).toBe(3);
    expect([...n.of]).toEqual([
      [0, 1],
      [2, 2],
      [4, 3],
    ]);
  });

  it('shows parameters resolved from earlier results, and as written when not known yet', () => {
    const step = scenario.steps[2]!;
    expect(describeAction(step, { order: { orderId: 'O2026X' } })).toBe('the user: pay (orderId: O2026X)');
    expect(describeAction(step, {})).toBe('the user: pay (orderId: ${order.orderId})');
    expect(describeAction(scenario.steps[4]!, {})).toBe('the world: advance (ms: 15000)');
    expect(formatParams({ a: '', b: { c: 1 } }, {})).toBe('a: "", b: {"c":1}');
    expect(formatParams(undefined, {})).toBe('');
  });

  it('says each fact of a journal entry once', () => {
    const answered36 = entryLines(entry({ replyTo: 4, responseCode: '36', note: 'answered 36', signature: { valid: true, summary: 'ok', details: [] } as never }), plain);
    expect(answered36[0]).toBe('  #5 partner → UCSP answer to #4: 36 Order Info is Incorrect · signature valid');
    const http500 = entryLines(entry({ replyTo: 4, httpStatus: 500, note: 'HTTP 500', raw: 'oops' }), plain);
    expect(http500).toEqual(['  #5 partner → UCSP answer to #4: HTTP 500', '       oops']);
    const badSig = entryLines(entry({ replyTo: 4, responseCode: '00', note: 'answer signature invalid: wrong key', signature: { valid: false, summary: 'wrong key', details: [] } as never }), plain);
    expect(badSig[0]).toBe('  #5 partner → UCSP answer to #4: 00 Approved · signature INVALID: wrong key');
    // a note that adds something stays
    const echo = entryLines(entry({ replyTo: 4, responseCode: '00', note: 'answer does not echo msgInfo (msgID differ)' }), plain);
    expect(echo[0]).toBe('  #5 partner → UCSP answer to #4: 00 Approved · answer does not echo msgInfo (msgID differ)');
    // an outgoing notice carries its own result code
    const notice = entryLines(entry({ direction: 'out', msgType: 'PAYMENT_RESULT_NOTICE', parsed: { trxInfo: { orderId: 'O1' }, msgResponse: { responseCode: '01' } }, note: 'tampered copy (amount)' }), plain);
    expect(notice).toEqual(['  #5 UCSP → partner PAYMENT_RESULT_NOTICE 01 Transaction Fail · tampered copy (amount)', '       {"orderId":"O1"}']);
    const cashier = entryLines(entry({ direction: 'out', channel: 'cashier', parsed: { pay: 'tn1' } }), plain);
    expect(cashier[0]).toBe('  #5 user → UCSP (cashier)');
  });

  it('shows checks as checks, and leaves out what the stepper says itself', () => {
    expect(checkLine('  ✓ order-accepted-00: order.responseCode is 00', plain)).toBe('  ✓ check order-accepted-00: order.responseCode is 00');
    expect(checkLine('  ✗ notice-answered-00: the partner answered 36', plain)).toBe('  ✗ check notice-answered-00: the partner answered 36');
    expect(checkLine('  · drive submitPaymentOrder → 00', plain)).toBeUndefined();
    expect(checkLine('  ✗ step 3 (user pay) failed: boom', plain)).toBeUndefined();
  });

  it('ends with the status, counts and each failure — a failed step under its own number', () => {
    const r: ScenarioResult = {
      id: 'x/y',
      title: 't',
      capability: 'frontend-payment',
      refs: [],
      status: 'FAILED',
      durationMs: 1,
      messages: [],
      log: [],
      checks: [
        { key: 'x/y#a', id: 'a', title: 'A', severity: 'failure', ref: 'PROFILE §6.2', hint: 'h', status: 'passed', message: 'ok' },
        { key: 'x/y#step-3', id: 'step-3', title: 'Step 3: user pay', severity: 'failure', ref: 'PROFILE §6.2', hint: 'see the journal', status: 'failed', message: 'boom' },
        { key: 'x/y#b', id: 'b', title: 'B', severity: 'failure', ref: 'PROFILE §6.3', hint: 'h', status: 'skipped', message: 'not reached' },
      ],
    };
    expect(resultLines(r, numberActions(scenario), plain)).toEqual(['', 'FAILED x/y: 1 of 2 checks passed, 1 not reached', '  ✗ step 2 of 3 could not run', '      boom', '      PROFILE §6.2 · hint: see the journal']);
  });
});
