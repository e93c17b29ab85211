/**
 * The example partner: a small, correct Industry Service for the UCSP sandbox (PROFILE), with
 * its §9 test driver and switchable deliberate bugs.
 *
 *   GET  /ucsp/login?request_data=…  INDUSTRY_INDEX_URL: login hand-off (login.ts)
 *   GET  /ucsp/return?orderId=…      frontUrl: the browser's return; changes nothing (return-page.ts)
 *   POST /ucsp/notify                backUrl: PAYMENT_RESULT_NOTICE, SIGN_AUTO_DEBIT_NOTICE (notices.ts)
 *   /driver/…                        the test driver (driver.ts)
 */
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { TrustStore, type CertInfo, type SignatureVariant, type SignerCredentials } from '../../src/index.js';
import { DEFAULT_ZONE } from '../../src/protocol/time.js';
import { resolveBugs, type PartnerBugs } from './bugs.js';
import type { PartnerContext } from './context.js';
import { driverRouter } from './driver.js';
import { loginHandler } from './login.js';
import { noticeHandler } from './notices.js';
import { returnHandler } from './return-page.js';
import { Delays, resolveSlowness, type PartnerSlowness } from './slow.js';
import { PartnerStore } from './store.js';
import { UcspClient } from './ucsp-client.js';
import { Wire } from './wire.js';

export interface ExamplePartnerOptions extends PartnerSlowness {
  /** UCSP's API endpoint, e.g. http://127.0.0.1:7300/ucsp/api */
  ucspApiUrl: string;
  /** The partner's private key and certificate. */
  signer: SignerCredentials;
  /** The UCSP certificate(s) that notices and login hand-offs must be signed with. */
  ucspCertificates: CertInfo[];
  insID: string;
  merId: string;
  acqIIN: string;
  /** @default 'SHA256withRSA' */
  signatureVariant?: SignatureVariant;
  /** Zone of the times on the wire. @default '+08:00' */
  zone?: string;
  /** Deliberate bugs; all off by default. */
  bugs?: Partial<PartnerBugs>;
  /** The form of UCSP's answers it accepts (the sandbox's answerForm). @default 'signed' */
  answerForm?: 'signed' | 'minimal';
  /** The partner's wall clock. @default Date.now */
  now?: () => number;
  /** Where to write one line per event. @default no logging */
  log?: (line: string) => void;
}

export interface ExamplePartner {
  app: express.Express;
  /** Starts listening (port 0 = any free port; host default 127.0.0.1) and sets the public URL unless setPublicUrl was called. */
  listen(port?: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
  /** Cancels every answer held back in slow mode (close() does this too). */
  cancelSlowAnswers(): void;
  /** The partner's own base URL, used in backUrl and frontUrl. */
  setPublicUrl(url: string): void;
  /** The partner's state, for tests. */
  store: PartnerStore;
}

export function createExamplePartner(options: ExamplePartnerOptions): ExamplePartner {
  const bugs = resolveBugs(options.bugs);
  const zone = options.zone ?? DEFAULT_ZONE;
  const variant = options.signatureVariant ?? 'SHA256withRSA';
  const log = options.log ?? (() => {});
  const slowness = resolveSlowness(options);
  const delays = new Delays();
  const wire = new Wire({ insID: options.insID, zone, now: options.now ?? Date.now, bugs });
  let publicUrl: string | undefined;
  let publicUrlSetExplicitly = false;

  const ctx: PartnerContext = {
    insID: options.insID,
    merId: options.merId,
    acqIIN: options.acqIIN,
    zone,
    variant,
    signer: options.signer,
    ucspTrust: new TrustStore(options.ucspCertificates),
    bugs,
    store: new PartnerStore(),
    wire,
    ucsp: new UcspClient({
      apiUrl: options.ucspApiUrl,
      insID: options.insID,
      signer: options.signer,
      trust: new TrustStore(options.ucspCertificates),
      variant,
      wire,
      bugs,
      ...(options.answerForm ? { answerForm: options.answerForm } : {}),
      collapseCodes: bugs.collapseResponseCodes,
      log,
    }),
    publicUrl() {
      if (!publicUrl) throw new Error('the partner has no public URL yet: call listen() or setPublicUrl()');
      return publicUrl;
    },
    log,
    slowness,
    async answerAfter(ms, what) {
      if (ms <= 0) return true;
      log(`slow: answering ${what} in ${ms} ms`);
      return delays.wait(ms);
    },
  };

  const app = express();
  app.disable('x-powered-by');
  app.get('/ucsp/login', loginHandler(ctx));
  app.get('/ucsp/return', returnHandler(ctx));
  // Raw bytes whatever the Content-Type: the signature is over the bytes exactly as received.
  app.post('/ucsp/notify', express.raw({ type: () => true, limit: '64kb' }), noticeHandler(ctx));
  app.use('/driver', driverRouter(ctx));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: unknown }).status;
    const code = typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
    if (code === 500) log(`error: ${(err as Error).stack ?? String(err)}`);
    res.status(code).type('text/plain; charset=utf-8').send(`${code === 500 ? 'internal error' : (err as Error).message}\n`);
  });

  return {
    app,
    store: ctx.store,
    cancelSlowAnswers: () => delays.cancelAll(),
    setPublicUrl(url: string) {
      publicUrl = url.replace(/\/+$/, '');
      publicUrlSetExplicitly = true;
    },
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const server = app.listen(port, host, (err?: Error) => {
          if (err) return reject(err);
          const { port: actual } = server.address() as AddressInfo;
          const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
          if (!publicUrlSetExplicitly) publicUrl = url;
          resolve({
            url,
            close: () =>
              new Promise<void>((done, fail) => {
                delays.cancelAll(); // no answer held back in slow mode keeps a timer alive
                server.close((e) => (e ? fail(e) : done()));
                server.closeAllConnections();
              }),
          });
        });
      });
    },
  };
}
