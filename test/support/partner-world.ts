/**
 * The example partner (in this process) against the real sandbox CLI (a child process), over real
 * HTTP on loopback: what a partner developer has on their desk.
 */
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import express, { type RequestHandler } from 'express';
import { createExamplePartner, type ExamplePartner, type ExamplePartnerOptions } from '../../examples/partner/partner-app.js';
import type { PartnerBugs } from '../../examples/partner/bugs.js';
import { loadCertificates, loadSigner } from '../../src/crypto/index.js';
import { runCli } from './cli.js';
import { control, spawnSandbox, type SpawnedSandbox } from './spawn-sandbox.js';
import { tempDir } from './tmp.js';

/**
 * A port nothing listens on right now. Only for what must be told a port before it binds (a
 * partner started by `run --exec`) or must find nothing there: a server of the test's own listens
 * on port 0 instead.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The example partner with the keys `keys init` wrote to keysDir, the default identifiers, sending to ucspApiUrl. */
export async function examplePartner(keysDir: string, ucspApiUrl: string, o: Pick<ExamplePartnerOptions, 'bugs'> = {}): Promise<ExamplePartner> {
  return createExamplePartner({
    ucspApiUrl,
    signer: await loadSigner(join(keysDir, 'partner.key.pem'), join(keysDir, 'partner.cert.pem')),
    ucspCertificates: await loadCertificates(join(keysDir, 'ucsp.cert.pem')),
    insID: '12345678',
    merId: '123456789012345',
    acqIIN: '00010344',
    ...o,
  });
}

export interface PartnerWorld {
  sandbox: SpawnedSandbox;
  partner: ExamplePartner;
  partnerUrl: string;
  U: string;
  driver(action: string, params: Record<string, unknown>): Promise<{ status: number; body: { result?: Record<string, string>; error?: string } }>;
  order(orderId: string): Promise<Record<string, string>>;
  contract(contractId: string): Promise<Record<string, string> | undefined>;
  control<T = any>(path: string, body?: unknown): Promise<{ status: number; json: T }>;
  /** Runs every sandbox timer due now (notices, inquiries) and waits for them. */
  settle(ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startPartnerWorld(o: { bugs?: Partial<PartnerBugs>; front?: RequestHandler[]; sandboxArgs?: string[] } = {}): Promise<PartnerWorld> {
  const { dir, cleanup } = await tempDir('ucsp-world-');
  const keysDir = join(dir, 'keys');
  const init = await runCli(['keys', 'init', '--out', keysDir]);
  if (init.code !== 0) throw new Error(init.stderr);
  // The partner's server listens first, on a port the system picks, and keeps it: asking for a
  // free port and binding it later races every other process that binds or connects meanwhile.
  // Until the example partner exists (it needs the sandbox's URLs) the server answers 503.
  let partnerApp: express.Express | undefined;
  const app = express();
  for (const h of o.front ?? []) app.use(h);
  app.use((req, res, next) => (partnerApp ? partnerApp(req, res, next) : res.status(503).send('the example partner is not ready yet')));
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const partnerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox = await spawnSandbox(['--time-scale', '0', '--keys-dir', keysDir, '--index-url', `${partnerUrl}/ucsp/login`, ...(o.sandboxArgs ?? [])], { cwd: dir });
  const U = sandbox.ready.ucsp;
  const partner = await examplePartner(keysDir, sandbox.ready.api, o.bugs ? { bugs: o.bugs } : {});
  partner.setPublicUrl(partnerUrl);
  partnerApp = partner.app;
  const json = async (res: Response) => {
    const t = await res.text();
    return t ? JSON.parse(t) : undefined;
  };
  return {
    sandbox,
    partner,
    partnerUrl,
    U,
    driver: async (action, params) => {
      const res = await fetch(`${partnerUrl}/driver/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action, params }) });
      return { status: res.status, body: await json(res) };
    },
    order: async (orderId) => json(await fetch(`${partnerUrl}/driver/orders/${orderId}`)),
    contract: async (contractId) => {
      const res = await fetch(`${partnerUrl}/driver/contracts/${contractId}`);
      return res.status === 404 ? undefined : json(res);
    },
    control: (path, body) => control(U, path, body),
    settle: async (ms = 0) => {
      await control(U, '/clock/advance', { ms });
    },
    close: async () => {
      await sandbox.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await cleanup();
    },
  };
}
