/**
 * The mock channel app (wallet): test users, the payment SDK's cashier module (cards, Confirm,
 * Cancel) and the auto-debit signing page (Agree, Refuse). It also opens the login hand-off.
 */
import express, { type Express } from 'express';
import { UcspError } from '../errors/index.js';
import type { SandboxRuntime } from '../sandbox/runtime.js';
import { persistBeforeAnswer } from './persist-before-answer.js';
import { doorsGuard } from './doors.js';
import { htmlErrors } from './http-errors.js';
import { errorPage } from './pages/html.js';
import { channelHomePage, sdkCashierPage, signingDonePage, signingPage } from './pages/channel-pages.js';

const PARTY = 'Channel App';

export function createChannelApp(runtime: SandboxRuntime): Express {
  const app = express();
  app.disable('x-powered-by');
  if (runtime.store) app.use(persistBeforeAnswer(runtime, PARTY));
  app.set('query parser', 'simple');
  // Host is one of the sandbox's names, no cross-site state change (doors.ts); the pages that pay,
  // cancel and sign are reached only through their capability URLs (the payment's key, the signId)
  app.use(doorsGuard(runtime.doors, { token: false, refuse: (res, status, message) => void res.status(status).type('html').send(errorPage(PARTY, 'Refused', message)) }));
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });
  const userOf = (userId: string) => {
    const u = runtime.config.users.find((x) => x.userId === userId);
    if (!u) throw new UcspError('not-found', `no test user ${userId}`);
    return u;
  };
  const afterPayment = (p: { frontUrl?: string; tn: string }) => p.frontUrl ?? `${runtime.urls.ucsp}/ucsp/result/${p.tn}/${runtime.payKey(p.tn)}`;

  app.get('/', (_req, res) => {
    res.type('html').send(channelHomePage({ users: runtime.config.users, ucsp: runtime.urls.ucsp }));
  });

  app.get('/channel/users', (_req, res) => {
    res.json(runtime.config.users.map((u) => ({ userId: u.userId, mobile: `${u.mobile.slice(0, 3)}****${u.mobile.slice(-2)}`, cards: runtime.cardsOf(u.userId).map((c) => ({ pan: c.pan, behaviour: c.behaviour })) })));
  });

  // The user taps the Industry Service in the channel app.
  app.get('/channel/open', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const params = new URLSearchParams({ industryCode: runtime.config.partner.industryCode, channelCode: q.channelCode ?? runtime.config.channels[0]!.channelCode });
    if (q.userId) params.set('userId', q.userId);
    res.redirect(302, `${runtime.urls.ucsp}/ucsp/authorize?${params}`);
  });

  // the payment SDK's page, opened from UCSP's cashier with the payment's tn and key
  app.get('/channel/pay', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const p = runtime.paymentPage(q.tn, q.key);
    if (p.status !== 'AWAITING_USER') throw new UcspError('incorrect', `order ${p.orderId} is ${p.status}`);
    res.type('html').send(sdkCashierPage(p, runtime.payKey(p.tn), runtime.cardsOf(p.userId), userOf(p.userId)));
  });

  app.post('/channel/pay/confirm', form, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const page = runtime.paymentPage(body.tn, body.key);
    const r = runtime.pay({ tn: page.tn }, String(body.card ?? ''));
    if (r.error) {
      res.status(502).type('html').send(sdkCashierPage(r.order, runtime.payKey(r.order.tn), runtime.cardsOf(r.order.userId), userOf(r.order.userId), r.error));
      return;
    }
    res.redirect(303, afterPayment(r.order));
  });

  app.post('/channel/pay/cancel', form, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const page = runtime.paymentPage(body.tn, body.key);
    const p = runtime.abandon({ tn: page.tn });
    res.redirect(303, afterPayment(p));
  });

  app.get('/channel/sign/:signId', (req, res) => {
    const orderId = runtime.ledger.bySignId.get(req.params.signId);
    const s = orderId ? runtime.ledger.signing(orderId) : undefined;
    if (!s) throw new UcspError('not-found', `no signing request ${req.params.signId}`);
    if (s.status !== 'AWAITING_USER') {
      res.type('html').send(signingDonePage(s.status === 'SIGNED'));
      return;
    }
    res.type('html').send(signingPage(s, s.merId));
  });

  app.post('/channel/sign/:signId', form, (req, res) => {
    const decision = String(((req.body ?? {}) as Record<string, string>).decision ?? '');
    if (decision !== 'agree' && decision !== 'refuse') throw new UcspError('usage', 'decision must be agree or refuse');
    const r = runtime.decideSigning({ signId: req.params.signId }, decision === 'agree');
    res.redirect(303, r.frontUrl);
  });

  app.use(htmlErrors(PARTY));
  return app;
}
