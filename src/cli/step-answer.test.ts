import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { JournalView } from '../scenarios/sandbox-client.js';
import { ANSWER_FAULT_KINDS } from '../gateway/corrupt-answer.js';
import { ANSWER_FAULT_CHOICES, answerVerdict, codeChoices } from './step-answer.js';

const plain = new Chalk({ level: 0 });
const corrupted = (genuineCode: string, code: string): JournalView =>
  ({ seq: 3, at: 0, wallAt: 0, direction: 'out', channel: 'api', raw: '', corrupted: { fault: 'content', genuineCode, code } }) as JournalView;

describe('step: corrupting an answer', () => {
  it('offers every kind of corruption, and every code the message type allows', () => {
    expect(ANSWER_FAULT_CHOICES.map((c) => c.value)).toEqual([...ANSWER_FAULT_KINDS]);
    expect(codeChoices('PAYMENT_RESULT_INQUIRY', 'signature').map((c) => c.value)).toEqual(['genuine', '00', '01', '05', '34', '10', '11', '99']);
    expect(codeChoices('PAYMENT_RESULT_INQUIRY', 'content')[0]!.name).toMatch(/^the default/);
  });

  it('judges what the partner reported against PROFILE §3/§4', () => {
    const v = (result: object | undefined, e: JournalView | undefined) => answerVerdict(result, e, plain);
    expect(v({ status: 502, error: 'no usable answer' }, corrupted('01', '00'))).toBe('  → the partner could not act (502): it took the corrupted answer as no answer, as PROFILE §3/§4 expect');
    expect(v({ status: 200, responseCode: '01' }, corrupted('01', '00'))).toBe("  → the partner reported 01 Transaction Fail, UCSP's genuine answer: it retried and got it");
    expect(v({ status: 200, responseCode: '00' }, corrupted('01', '00'))).toMatch(/^ {2}→ the partner reported 00 Approved from an answer it could not have verified; .* genuine answer was 01\)$/);
    expect(v({ status: 200, responseCode: '05' }, corrupted('05', '05'))).toMatch(/does not show whether it checked it/);
    expect(v({ status: 409, error: 'refused' }, undefined)).toMatch(/sent no request this step: no answer was corrupted/);
    expect(answerVerdict('step-failed', corrupted('00', '00'), plain)).toMatch(/^ {2}→ the partner could not act: it took the corrupted answer as no answer/);
  });
});
