import { describe, expect, it } from 'vitest';
import { editorName, parseEditedTrxInfo } from './step-notice.js';

describe('step: editing a notice', () => {
  it('opens $VISUAL, else $EDITOR', () => {
    expect(editorName({ VISUAL: 'code -w', EDITOR: 'nano' })).toBe('code -w');
    expect(editorName({ EDITOR: 'nano' })).toBe('nano');
    expect(editorName({ VISUAL: '', EDITOR: '' })).toBe(process.platform === 'win32' ? 'notepad' : 'vim');
  });
  it('takes an object of strings, and says what is wrong otherwise', () => {
    expect(parseEditedTrxInfo('{"txnAmt": "1"}')).toEqual({ txnAmt: '1' });
    expect(parseEditedTrxInfo('{"txnAmt": 1}')).toBe('txnAmt must be a string of at most 512 characters');
    expect(parseEditedTrxInfo('[]')).toBe('must be a JSON object of trxInfo fields');
    expect(parseEditedTrxInfo('{')).toMatch(/^not JSON: /);
    expect(parseEditedTrxInfo(JSON.stringify({ a: 'x'.repeat(513) }))).toBe('a must be a string of at most 512 characters');
  });
});
