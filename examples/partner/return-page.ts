/**
 * GET /ucsp/return?orderId=… — the frontUrl the user's browser comes back to after paying or
 * signing. Anyone can open this URL, so it proves nothing: it MUST NOT change the order (PROFILE
 * §7). The result arrives by PAYMENT_RESULT_NOTICE or is fetched by inquiry.
 */
import type { Request, Response } from 'express';
import type { PartnerContext } from './context.js';
import { escapeHtml, htmlPage } from './html.js';

export function returnHandler(ctx: PartnerContext) {
  return (req: Request, res: Response): void => {
    const orderId = typeof req.query.orderId === 'string' ? req.query.orderId : '';
    const payment = ctx.store.payments.get(orderId);
    if (payment && payment.status === 'CREATED' && ctx.bugs.markPaidOnFrontUrlReturn) {
      payment.status = 'PAID'; // BUG markPaidOnFrontUrlReturn: the browser's word is not a payment result.
    }
    // BUG markPaidOnCashierReturn: "came back from the payment pages" (a foreign Referer) is not a payment result either.
    const referer = req.get('referer');
    if (payment && payment.status === 'CREATED' && ctx.bugs.markPaidOnCashierReturn && referer && URL.canParse(referer) && new URL(referer).origin !== new URL(ctx.publicUrl()).origin) {
      payment.status = 'PAID';
    }
    const what = ctx.store.signings.has(orderId) ? 'auto-debit signing' : 'payment';
    res
      .status(200)
      .type('html')
      .send(htmlPage(`${what} submitted`, `<p>Order ${escapeHtml(orderId)}: ${what} submitted, awaiting result.</p>`));
  };
}
