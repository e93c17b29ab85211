/** Forms read as a browser without JavaScript reads them, and the requests their submission makes. */
import { describe, expect, it } from 'vitest';
import { cashierPage } from '../servers/pages/cashier-page.js';
import { sdkCashierPage } from '../servers/pages/channel-pages.js';
import { TEST_CARDS } from '../protocol/issuer-rules.js';
import type { PaymentOrder } from '../protocol/payment-machine.js';
import { attributes, decodeEntities, formRequest, parseForms } from './html-forms.js';

describe('attributes and entities', () => {
  it('reads quoted, unquoted and bare attributes, decoding entities', () => {
    expect(attributes(' type="hidden" name=tn value=\'1&amp;2\' checked data-x="&#39;&#x41;&quot;"')).toEqual({ type: 'hidden', name: 'tn', value: '1&2', checked: '', 'data-x': '\'A"' });
    expect(decodeEntities('&lt;b&gt; &unknown; &#0;')).toBe('<b> &unknown; &#0;');
  });
});

describe('parseForms and formRequest', () => {
  const html = `<p>x</p><form method="post" action="/pay/confirm">
    <input type="hidden" name="tn" value="123">
    <label><input type="radio" name="card" value="A" checked> A</label>
    <label><input type="radio" name="card" value="B"> B</label>
    <input type="checkbox" name="save" value="yes">
    <input type="text" name="note" value="hi there" disabled>
    <button type="submit">Confirm</button>
    <button type="button">Help</button>
    <button class="s" formaction="/pay/cancel" name="why" value="changed mind"><b>Cancel</b></button>
  </form><form action="https://other.example/search"><input name="q" value="a b"><input type="submit" value="Go"></form>`;

  it('finds every form with its controls and submit buttons', () => {
    const [pay, search] = parseForms(html);
    expect(pay!.method).toBe('POST');
    expect(pay!.controls.map((c) => `${c.type}:${c.name}=${c.value}${c.checked ? '*' : ''}`)).toEqual(['hidden:tn=123', 'radio:card=A*', 'radio:card=B', 'checkbox:save=yes', 'text:note=hi there']);
    expect(pay!.buttons).toEqual([{ label: 'Confirm' }, { label: 'Cancel', name: 'why', value: 'changed mind', formaction: '/pay/cancel' }]);
    expect(search).toMatchObject({ method: 'GET', action: 'https://other.example/search', buttons: [{ label: 'Go' }] });
  });

  it('submits what a browser submits: checked radios, no disabled or unchecked controls, the submitter', () => {
    const [pay, search] = parseForms(html);
    expect(formRequest(pay!, 'http://127.0.0.1:1/pay?tn=123')).toEqual({ method: 'POST', url: 'http://127.0.0.1:1/pay/confirm', body: 'tn=123&card=A' });
    expect(formRequest(pay!, 'http://127.0.0.1:1/pay', { choose: { card: 'B' }, button: pay!.buttons[1] })).toEqual({ method: 'POST', url: 'http://127.0.0.1:1/pay/cancel', body: 'tn=123&card=B&why=changed+mind' });
    expect(formRequest(search!, 'http://127.0.0.1:1/x#frag')).toEqual({ method: 'GET', url: 'https://other.example/search?q=a+b' });
  });

  it('refuses a choice the page does not offer', () => {
    expect(() => formRequest(parseForms(html)[0]!, 'http://h/', { choose: { card: 'Z' } })).toThrow('the form offers no card "Z" (it offers "A", "B")');
  });

  it("reads the sandbox's own cashier and channel pages without JavaScript", () => {
    const order = { orderId: 'ORD1', tn: '123456789012345678901', txnAmt: '1234', currencyCode: '344', merId: 'M', status: 'AWAITING_USER', userId: 'user-001' } as unknown as PaymentOrder;
    const [cashier] = parseForms(cashierPage(order, 'http://127.0.0.1:7301/channel/pay', 'KEY'));
    expect(formRequest(cashier!, 'http://127.0.0.1:7300/ucsp/cashier/123456789012345678901/KEY')).toEqual({ method: 'GET', url: 'http://127.0.0.1:7301/channel/pay?tn=123456789012345678901&key=KEY' });
    const [sdk] = parseForms(sdkCashierPage(order, 'KEY', TEST_CARDS, { userId: 'user-001', mobile: '+85290000001' }));
    expect(sdk!.buttons.map((b) => b.label)).toEqual(['Confirm', 'Cancel']);
    expect(formRequest(sdk!, 'http://127.0.0.1:7301/channel/pay?tn=1&key=KEY', { choose: { card: TEST_CARDS[1]!.pan } })).toEqual({ method: 'POST', url: 'http://127.0.0.1:7301/channel/pay/confirm', body: `tn=123456789012345678901&key=KEY&card=${TEST_CARDS[1]!.pan}` });
    expect(formRequest(sdk!, 'http://127.0.0.1:7301/channel/pay?tn=1&key=KEY', { button: sdk!.buttons[1] }).url).toBe('http://127.0.0.1:7301/channel/pay/cancel');
  });
});
