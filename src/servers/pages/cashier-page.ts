/** UCSP's cashier page at paymentUrl (seed, "2. Frontend Payment Flow" step 3): order details and Pay. */
import { formatAmount } from '../../protocol/currencies.js';
import type { PaymentOrder } from '../../protocol/payment-machine.js';
import { esc, page, rows } from './html.js';

/** `payUrl`: the channel app's payment page; `key`: the payment's page key, carried to it. */
export function cashierPage(p: PaymentOrder, payUrl: string, key: string): string {
  const open = p.status === 'AWAITING_USER';
  return page(
    `Pay ${formatAmount(p.txnAmt, p.currencyCode)}`,
    'UnionPay UCSP · Cashier',
    `<h1>Order payment</h1>
<div class="amount" data-testid="amount">${esc(formatAmount(p.txnAmt, p.currencyCode))}</div>
${rows([
  ['Order', p.orderId],
  ['Merchant', p.merId],
  ['Description', p.orderDesc],
  ['Transaction number (tn)', p.tn],
  ['Status', p.status],
])}
${
  open
    ? `<form method="get" action="${esc(payUrl)}"><input type="hidden" name="tn" value="${esc(p.tn)}"><input type="hidden" name="key" value="${esc(key)}"><button class="primary" type="submit" data-testid="pay">Pay</button></form>
<p class="note">Pay opens the channel app's payment SDK, where you choose a card.</p>`
    : `<p>This order is <strong>${esc(p.status)}</strong>; there is nothing to pay.</p>`
}`,
  );
}

export function resultPage(p: PaymentOrder): string {
  const text = p.status === 'APPROVED' ? 'Payment approved' : p.status === 'DECLINED' ? 'Payment failed' : 'Payment in progress';
  return page(text, 'UnionPay UCSP · Cashier', `<h1>${esc(text)}</h1>${rows([['Order', p.orderId], ['Amount', formatAmount(p.txnAmt, p.currencyCode)], ['Status', p.status]])}<p class="note">The merchant learns the result from UCSP's notice.</p>`);
}
