import { describe, expect, it } from 'vitest';
import { resolve, whyMissing } from './template.js';

describe('a missing value says why, when the partner could not act', () => {
  const vars = {
    r99: { status: 409, error: 'payment ORD00000001 is FAILED: nothing to refund' },
    order: { status: 200, orderId: 'ORD00000001', responseCode: '00' },
    login: { status: 302, cookies: ['sid=secret'], url: 'http://127.0.0.1/login?request_data=%7B%22mobile%22' },
  };
  it.each([
    ['r99.responseCode', ' (r99: the partner could not act (409): payment ORD00000001 is FAILED: nothing to refund)'],
    ['order.tn', ''],
    ['login.userId', ''],
    ['nothing.orderId', ''],
  ])('%s', (path, why) => {
    expect(whyMissing(vars, path)).toBe(why);
  });

  it('in the error of a reference that cannot be resolved, and never with the rest of the result', () => {
    expect(() => resolve({ orderId: '${r99.orderId}' }, vars)).toThrow('${r99.orderId} is not known at this step (r99: the partner could not act (409): payment ORD00000001 is FAILED: nothing to refund)');
    expect(() => resolve('x-${login.userId}', vars)).toThrow(/^\$\{login\.userId\} is not known at this step$/);
  });
});
