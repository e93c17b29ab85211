/** The mock channel app's pages: the payment SDK's cashier module and the auto-debit signing page. */
import { formatAmount } from '../../protocol/currencies.js';
import type { SigningRequest } from '../../protocol/contract-machine.js';
import type { TestCard } from '../../protocol/issuer-rules.js';
import type { PaymentOrder } from '../../protocol/payment-machine.js';
import { esc, page, rows } from './html.js';

const masked = (pan: string) => `${pan.slice(0, 4)} •••• •••• ${pan.slice(-4)}`;

/** `key`: the payment's page key (the forms carry it back, with tn). */
export function sdkCashierPage(p: PaymentOrder, key: string, cards: readonly TestCard[], user: { userId: string; mobile: string }, error?: string): string {
  const cardList = cards
    .map(
      (c, i) =>
        `<label class="card"><input type="radio" name="card" value="${esc(c.pan)}"${i === 0 ? ' checked' : ''} data-testid="card-${esc(c.pan)}"> UnionPay ${esc(masked(c.pan))} <span class="note">— test card: ${esc(c.label)}</span></label>`,
    )
    .join('');
  return page(
    'Confirm payment',
    'Channel App · Payment',
    `<h1>Confirm payment</h1>
${error ? `<p class="error" data-testid="error">${esc(error)}</p>` : ''}
<div class="amount">${esc(formatAmount(p.txnAmt, p.currencyCode))}</div>
${rows([['Merchant', p.merId], ['Order', p.orderId], ['Paying as', `${user.userId} (${user.mobile.slice(0, 3)}****${user.mobile.slice(-2)})`]])}
<form method="post" action="/channel/pay/confirm">
<input type="hidden" name="tn" value="${esc(p.tn)}">
<input type="hidden" name="key" value="${esc(key)}">
${cardList}
<div class="actions"><button class="primary" type="submit" data-testid="confirm">Confirm</button>
<button class="secondary" type="submit" formaction="/channel/pay/cancel" data-testid="cancel">Cancel</button></div>
</form>`,
  );
}

export function signingPage(s: SigningRequest, merchantName: string): string {
  return page(
    'Auto-debit agreement',
    'Channel App · Auto-debit',
    `<h1>Switch on auto-debit payment</h1>
${rows([['Merchant', merchantName], ['For user', s.userId], ['Request', s.orderId]])}
<div class="contract" data-testid="contract"><p><strong>Auto-debit payment service agreement (test)</strong></p>
<p>By agreeing, you authorise the merchant above to charge your UnionPay card without further confirmation,
for the services you use, until you or the merchant close this agreement. Each charge is notified to you.
You can close the agreement at any time in the channel app or with the merchant.</p>
<p>This is a sandbox: no real card is charged.</p></div>
<form method="post" action="/channel/sign/${esc(s.signId)}">
<div class="actions"><button class="primary" name="decision" value="agree" data-testid="agree">Agree</button>
<button class="secondary" name="decision" value="refuse" data-testid="refuse">Refuse</button></div></form>`,
  );
}

export function signingDonePage(agreed: boolean): string {
  return page('Auto-debit', 'Channel App · Auto-debit', `<h1>${agreed ? 'Auto-debit switched on' : 'Auto-debit refused'}</h1>`);
}

/** `/` of the channel app: what it is, and its links. */
export function channelHomePage(o: { users: readonly { userId: string }[]; ucsp: string }): string {
  const users = o.users.map((u) => `<li><a href="/channel/open?userId=${encodeURIComponent(u.userId)}" data-testid="open-${esc(u.userId)}">Open the Industry Service as ${esc(u.userId)}</a></li>`).join('');
  return page(
    'Channel App',
    'Channel App',
    `<h1>Mock channel app (wallet)</h1>
<p>The wallet of ucsp-sandbox: its test users, the payment SDK's cashier and the auto-debit signing page.
The cashier and signing pages open from the links UCSP gives a partner (paymentUrl, signUrl).</p>
<ul>${users}</ul>
<ul>
<li><a href="/channel/users">Test users and their cards</a> (JSON)</li>
<li><a href="${esc(o.ucsp)}/">Mock UCSP</a> · <a href="${esc(o.ucsp)}/control">control API</a> (<a href="${esc(o.ucsp)}/control/openapi.json">OpenAPI</a>)</li>
</ul>`,
  );
}
