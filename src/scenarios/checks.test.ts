import { describe, expect, it } from 'vitest';
import { answerText } from './checks.js';

describe('answerText: what the partner did with a notice, each fact once', () => {
  it('does not repeat the code or the HTTP status', () => {
    expect(answerText({ responseCode: '36', problem: 'answered 36' })).toBe('the partner answered 36');
    expect(answerText({ httpStatus: 500, problem: 'HTTP 500' })).toBe('the partner answered HTTP 500');
    expect(answerText({ responseCode: '00' })).toBe('the partner answered 00');
  });
  it('keeps a problem that adds something', () => {
    expect(answerText({ responseCode: '00', problem: 'answer signature invalid: wrong key' })).toBe('the partner answered 00 (answer signature invalid: wrong key)');
    expect(answerText({ httpStatus: 200, problem: 'answer is not a message: Unexpected token' })).toBe('the partner answered HTTP 200 (answer is not a message: Unexpected token)');
  });
  it('says so when there was no answer', () => {
    expect(answerText({ problem: 'no answer within 10000 ms' })).toBe('the partner sent no answer within 10000 ms');
    expect(answerText({ problem: 'cannot reach http://127.0.0.1:9/n: connect ECONNREFUSED' })).toBe('the partner did not answer: cannot reach http://127.0.0.1:9/n: connect ECONNREFUSED');
    expect(answerText({})).toBe('the partner did not answer');
  });
});
