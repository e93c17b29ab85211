/**
 * The mock UCSP: the wire API (`POST /ucsp/api`), the login hand-off (`GET /ucsp/authorize`),
 * the cashier page at paymentUrl, the signing hand-over to the channel app, and the control API.
 */
import express, { type Express, type Request } from 'express';
import { UcspError } from '../errors/index.js';
import type { SandboxRuntime } from '../sandbox/runtime.js';
import { persistBeforeAnswer } from './persist-before-answer.js';
import { controlRouter } from './control-routes.js';
import { doorsGuard } from './doors.js';
import { htmlErrors } from './http-errors.js';
import { cashierPage, resultPage } from './pages/cashier-page.js';
import { esc, errorPage, page } from './pages/html.js';
import { inspectorRouter } from './inspector-routes.js';

const PARTY = 'UnionPay UCSP';

function peerOf(req: Request): string {
  return `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
}

export function createUcspApp(runtime: SandboxRuntime): Express {
  const app = express();
  app.disable('x-powered-by');
  // for load balancers, without the control token: the process is up; it can take requests
  app.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'up' });
  });
  app.get('/readyz', async (_req, res) => {
    const why = await runtime.notReady();
    res.set('cache-control', 'no-store').status(why ? 503 : 200).json(why ? { status: 'not ready', reason: why } : { status: 'ready', store: runtime.store?.engine ?? 'memory' });
  });
  if (runtime.store) app.use(persistBeforeAnswer(runtime, PARTY));
  app.set('etag', false);
  app.set('query parser', 'simple');

  // The wire API: raw bytes in, a signed answer out; over the limit is 413 (PROFILE §2).
  app.post(
    '/ucsp/api',
    express.raw({ type: () => true, limit: runtime.config.bodyLimitBytes, inflate: false }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = await runtime.handleApiAsync(body, peerOf(req));
      res.status(200).type('application/json; charset=utf-8').send(result.text);
    },
  );

  // The control API has its doors (token, Host, cross-site) and reads bodies strictly.
  app.use('/control', controlRouter(runtime));

  // Every page (not the wire API above, which a partner's server calls and signatures guard):
  // Host is one of the sandbox's names, no cross-site state change (doors.ts).
  app.use(doorsGuard(runtime.doors, { token: false, refuse: (res, status, message) => void res.status(status).type('html').send(errorPage(PARTY, 'Refused', message)) }));

  app.get('/ucsp/authorize', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    if (!q.industryCode || !q.channelCode) {
      res.status(400).type('html').send(errorPage(PARTY, 'Login failed', 'industryCode and channelCode are required'));
      return;
    }
    const { url } = runtime.loginRedirect({ industryCode: q.industryCode, channelCode: q.channelCode, ...(q.userId ? { userId: q.userId } : {}) });
    res.redirect(302, url);
  });

  // paymentUrl: the cashier of one order, opened by its tn and the key only UCSP's answer carries
  app.get('/ucsp/cashier/:tn/:key', (req, res) => {
    const p = runtime.paymentPage(req.params.tn, req.params.key);
    res.type('html').send(cashierPage(p, `${runtime.urls.channel}/channel/pay`, req.params.key));
  });

  app.get('/ucsp/result/:tn/:key', (req, res) => {
    res.type('html').send(resultPage(runtime.paymentPage(req.params.tn, req.params.key)));
  });

  // signUrl: the channel app's signing page, reached through UCSP (PROFILE §6.5).
  app.get('/ucsp/sign/:signId', (req, res) => {
    if (!runtime.ledger.bySignId.has(req.params.signId)) throw new UcspError('not-found', `no signing request ${req.params.signId}`);
    res.redirect(302, `${runtime.urls.channel}/channel/sign/${encodeURIComponent(req.params.signId)}`);
  });

  // the web inspector (its data comes from the control API, behind its doors)
  app.use('/inspector', inspectorRouter());

  app.get('/', (req, res) => {
    // a browser gets a page with the links; everyone else the JSON as before
    if (req.accepts(['json', 'html']) === 'html') {
      res.type('html').send(homePage(runtime));
      return;
    }
    res.json({
      service: 'ucsp-sandbox mock UCSP',
      api: `${runtime.urls.ucsp}/ucsp/api`,
      authorize: `${runtime.urls.ucsp}/ucsp/authorize?industryCode=${runtime.config.partner.industryCode}&channelCode=${runtime.config.channels[0]?.channelCode ?? ''}`,
      control: `${runtime.urls.ucsp}/control/status`,
      controlApi: `${runtime.urls.ucsp}/control`,
      openapi: `${runtime.urls.ucsp}/control/openapi.json`,
      inspector: `${runtime.urls.ucsp}/inspector/`,
    });
  });

  app.use(htmlErrors(PARTY));
  return app;
}

function homePage(runtime: SandboxRuntime): string {
  const u = runtime.urls.ucsp;
  const link = (href: string, text: string, testid: string) => `<a href="${esc(href)}" data-testid="${testid}">${esc(text)}</a>`;
  return page(
    'ucsp-sandbox',
    PARTY,
    `<h1>ucsp-sandbox: mock UCSP</h1>
<p>${link(`${u}/inspector/`, 'Open the inspector', 'inspector-link')}: every order, notice and message, live, with sequence diagrams and actions.</p>
<table>
<tr><th>wire API</th><td><code>POST ${esc(`${u}/ucsp/api`)}</code></td></tr>
<tr><th>control API</th><td>${link(`${u}/control/status`, `${u}/control/status`, 'control-link')}</td></tr>
<tr><th>channel app</th><td>${esc(runtime.urls.channel)}</td></tr>
<tr><th>issuer</th><td>${esc(runtime.urls.issuer)}</td></tr>
</table>
<p class="note">Scripts get this as JSON (Accept: application/json).</p>`,
  );
}
