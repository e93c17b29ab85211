/**
 * Starts the three servers — mock UCSP, channel app, issuer — on host:port, port+1, port+2 (or
 * free ports with port 0), with keys parsed once. Creates test keys in keysDir when there are none.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
// from the modules themselves, not the config barrel: it would load the config schema (TypeBox) at start
import { isLoopback, isWildcard, publicHostnames, reachedBeyondLoopback, serverUrls } from '../config/public-urls.js';
import type { SandboxConfig } from '../config/config-schema.js';
import { KEY_FILES, loadCertificates, loadSigner, writeTestKeys } from '../crypto/index.js';
import { UcspError, pathExists } from '../errors/index.js';
import { withApiFastPath } from '../servers/api-fast-path.js';
import { HeldListener } from '../servers/held-listener.js';
import type { VirtualClock } from '../clock/virtual-clock.js';
import { SandboxRuntime, type SandboxUrls } from './runtime.js';
import { PartnerRouter, type Tenant } from './partner-router.js';
import type { StateStore } from '../store/state-store.js';
import type { AnswerSigner } from './answer-signer.js';

export interface RunningSandbox {
  /** The (first) partner's runtime. */
  runtime: SandboxRuntime;
  /** Every partner's runtime (one unless the configuration lists `partners`), the first first. */
  runtimes: SandboxRuntime[];
  /** Where browsers and the partner reach the servers: publicUrl, else the bound address. */
  urls: SandboxUrls;
  /** Where this machine reaches them: the bound address (127.0.0.1 when bound to every interface). */
  localUrls: SandboxUrls;
  /** Paths a partner must know: UCSP's certificate (to verify UCSP) and its own registered one. */
  files: { ucspCertificate: string; partnerCertificate: string; keysDir: string };
  generatedKeys: boolean;
  /** A control token made at start because the sandbox is reached beyond loopback without one. */
  generatedToken?: string;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        e.code === 'EADDRINUSE'
          ? new UcspError('usage', `port ${port} on ${host} is already in use (choose another with --port, or --port 0 for free ports)`)
          : new UcspError('usage', `cannot listen on ${host}:${port}: ${e.code ?? e.message}`),
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Stops accepting, lets requests in flight finish (up to 2 s), then closes what is left. */
function closeServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    s.close(() => resolve());
    s.closeIdleConnections();
    setTimeout(() => s.closeAllConnections(), 2_000).unref();
  });
}

/** Loopback addresses: the only ones where the control API may be open without a token. */
export { isLoopback } from '../config/public-urls.js';

/** Names of this machine when bound to every interface: its addresses and its host name. */
function machineNames(): string[] {
  const names = [hostname()];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.push(a.address.replace(/%.*$/, ''));
  return names;
}

/**
 * The Host names the sandbox answers to (servers/doors.ts): its bound address, loopback names when
 * bound to loopback or every interface, the machine's addresses and name when bound to every
 * interface, publicUrl's hosts, and allowedHosts.
 */
export function answeredHostnames(config: Pick<SandboxConfig, 'host' | 'publicUrl' | 'allowedHosts'>, machine: () => string[] = machineNames): string[] {
  const wild = isWildcard(config.host);
  return [
    ...(wild ? [] : [config.host]),
    ...(wild || isLoopback(config.host) ? ['localhost', '127.0.0.1', '::1'] : []),
    ...(wild ? machine() : []),
    ...publicHostnames(config.publicUrl),
    ...(config.allowedHosts ?? []),
  ];
}

/** Where the servers' own log lines go unless StartOptions.log says otherwise. */
const logToStderr = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * At most `max` connections open at once (each one holds a file descriptor); past it Node refuses
 * new ones. Said once when the cap is reached, and once when connections are taken again (with how
 * many were refused meanwhile) — never a line per refused connection.
 */
function capConnections(server: Server, max: number, name: string, log: (line: string) => void): void {
  server.maxConnections = max;
  let refused = 0;
  server.on('drop', () => {
    if (refused++ === 0) log(`ucsp-sandbox: the ${name} reached its connection cap (maxConnections ${max}): new connections are refused until some close`);
  });
  server.on('connection', () => {
    if (refused === 0) return;
    log(`ucsp-sandbox: the ${name} takes connections again (${refused} refused while at its cap of ${max})`);
    refused = 0;
  });
}

export interface StartOptions {
  clock?: VirtualClock;
  /** Who signs answers: absent or 0, the main thread; N, N worker threads (answer-signer.ts). */
  workers?: number;
  /** Where the servers' own log lines go (a connection cap reached, …); default stderr. */
  log?: (line: string) => void;
}

export async function startSandbox(config: SandboxConfig, options: StartOptions = {}): Promise<RunningSandbox> {
  const partners = config.partners ?? [config.partner];
  const several = partners.length > 1;
  // Reached beyond loopback (bound there, or announced under such a name), the control API (which
  // can pay, sign and reset) and the issuer's transaction list require a token; several partners
  // always do (each its own, and the admin token for all).
  let generatedToken: string | undefined;
  if ((several || reachedBeyondLoopback(config)) && !config.controlToken) {
    generatedToken = randomBytes(24).toString('base64url');
    config.controlToken = generatedToken;
  }
  const ucspKey = join(config.keysDir, KEY_FILES.ucspKey);
  const ucspCert = join(config.keysDir, KEY_FILES.ucspCert);
  let generatedKeys = false;
  if (!(await pathExists(ucspKey)) && !(await pathExists(ucspCert))) {
    await writeTestKeys(config.keysDir);
    generatedKeys = true;
  }
  const ucspSigner = await loadSigner(ucspKey, ucspCert);
  const runtimes: SandboxRuntime[] = [];
  try {
    for (const [i, partner] of partners.entries()) {
      // one runtime per partner, its state apart: its own SQLite folder, its rows in PostgreSQL
      const own: SandboxConfig = several ? { ...config, partner, ...(config.dataDir ? { dataDir: join(config.dataDir, partner.insID) } : {}) } : config;
      runtimes.push(await startRuntime(own, ucspSigner, i === 0 ? options : { ...options, clock: undefined }));
    }
  } catch (e) {
    await Promise.all(runtimes.map((r) => r.close()));
    throw e;
  }
  const runtime = runtimes[0]!;

  // the Express apps come once the servers listen (held-listener.ts); the wire API needs none
  const held: HeldApps[] = runtimes.map((r) => ({ runtime: r, ucsp: new HeldListener(), channel: new HeldListener(), issuer: new HeldListener() }));
  const tenants: Tenant[] = held.map((h) => ({ runtime: h.runtime, ucsp: h.ucsp.listener, channel: h.channel.listener, issuer: h.issuer.listener }));
  const limit = config.bodyLimitBytes;
  let listeners: RequestListener[];
  if (several) {
    const router = new PartnerRouter(tenants, () => config.controlToken);
    listeners = [withApiFastPath(limit, (b, peer) => router.handleApi(b, peer), router.ucspListener()), router.channelListener(), router.issuerListener()];
  } else {
    const t = tenants[0]!;
    listeners = [withApiFastPath(limit, (b, peer) => runtime.answerApi(b, peer), t.ucsp), t.channel, t.issuer];
  }
  const names = ['UCSP server', 'channel app server', 'issuer server'];
  const log = options.log ?? logToStderr;
  const servers: Server[] = [];
  let localUrls: SandboxUrls;
  try {
    const ports: number[] = [];
    for (let i = 0; i < listeners.length; i++) {
      const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, listeners[i]!);
      server.keepAliveTimeout = 5_000;
      capConnections(server, config.maxConnections, names[i]!, log);
      ports.push(await listen(server, config.port === 0 ? 0 : config.port + i, config.host));
      servers.push(server);
    }
    const urls = serverUrls(config, [ports[0]!, ports[1]!, ports[2]!]);
    localUrls = urls.bound;
    for (const r of runtimes) {
      r.urls = urls.public;
      r.doors.configure(answeredHostnames(config), [...Object.values(urls.public), ...Object.values(urls.bound)]);
    }
  } catch (e) {
    await Promise.all(servers.map(closeServer));
    await Promise.all(runtimes.map((r) => r.close()));
    throw e;
  }
  let closing: Promise<void> | undefined;
  setImmediate(() => void makeApps(held, log, () => closing !== undefined));
  return {
    runtime,
    runtimes,
    urls: runtime.urls,
    localUrls,
    files: { ucspCertificate: ucspCert, partnerCertificate: config.partner.certificate, keysDir: config.keysDir },
    generatedKeys,
    ...(generatedToken ? { generatedToken } : {}),
    close: () => {
      closing ??= (async () => {
        // end the live streams (they never finish by themselves), stop accepting and let
        // requests in flight finish, then persist and stop timers
        for (const r of runtimes) r.journal.endSubscriptions();
        await Promise.all(servers.map(closeServer));
        await Promise.all(runtimes.map((r) => r.close()));
      })();
      return closing;
    },
  };
}

/** A partner's runtime and the listeners that hold requests to its three apps until they are made. */
interface HeldApps {
  runtime: SandboxRuntime;
  ucsp: HeldListener;
  channel: HeldListener;
  issuer: HeldListener;
}

/**
 * Loads Express and makes each partner's three apps, handing them to the listeners that hold the
 * requests meanwhile; when they cannot be made, those requests get 503 and the reason is logged.
 */
async function makeApps(held: HeldApps[], log: (line: string) => void, closed: () => boolean): Promise<void> {
  const failAll = (reason: string) => {
    for (const h of held) for (const l of [h.ucsp, h.channel, h.issuer]) l.fail(reason);
  };
  try {
    const [{ createUcspApp }, { createChannelApp }, { createIssuerApp }] = await Promise.all([import('../servers/ucsp-app.js'), import('../servers/channel-app.js'), import('../servers/issuer-app.js')]);
    if (closed()) return failAll('the sandbox is stopping');
    for (const h of held) {
      h.ucsp.set(createUcspApp(h.runtime));
      h.channel.set(createChannelApp(h.runtime));
      h.issuer.set(createIssuerApp(h.runtime));
    }
  } catch (e) {
    const reason = (e as Error).message;
    log(`ucsp-sandbox: the pages, the control API and the issuer cannot start (${reason}); they answer 503, the wire API goes on`);
    failAll(reason);
  }
}

/** One partner's runtime: its certificates, its store (SQLite folder or PostgreSQL rows), its signer. */
async function startRuntime(config: SandboxConfig, ucspSigner: Awaited<ReturnType<typeof loadSigner>>, options: StartOptions): Promise<SandboxRuntime> {
  const partnerCertificates = await loadCertificates(config.partner.certificate, config.partner.certificatePassword ?? '');
  let store: StateStore | undefined;
  if (config.store) {
    const { PgStore } = await import('../store/pg-store.js');
    store = await PgStore.open({ url: config.store, insID: config.partner.insID, poolSize: config.storePoolSize ?? 10, journalLimit: config.journalLimit });
  } else if (config.dataDir) {
    const { SqliteStore } = await import('../store/sqlite-store.js');
    store = new SqliteStore(config.dataDir, config.journalLimit);
  }
  // answers signed in the main thread unless worker threads are asked for (answer-signer.ts)
  let answerSigner: AnswerSigner | undefined;
  if (options.workers && options.workers > 0) {
    const { SigningPool } = await import('./signing-pool.js');
    const log = options.log ?? logToStderr;
    answerSigner = new SigningPool(options.workers, ucspSigner.privateKey, config.partner.signatureVariant, (reason) => log(`ucsp-sandbox: ${reason}`));
  }
  const who = config.partners && config.partners.length > 1 ? ` (partner ${config.partner.insID})` : '';
  return new SandboxRuntime({
    config,
    ucspSigner,
    partnerCertificates,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(store ? { store } : {}),
    ...(answerSigner ? { answerSigner } : {}),
    // one line when the data folder stops being writable (a full disk), one when it is again
    onStoreProblem: (problem) =>
      process.stderr.write(
        problem
          ? `ucsp-sandbox: ${problem}${who} — requests are answered 99 (wire) or 503 until it can be written\n`
          : `ucsp-sandbox: the ${config.store ? 'database' : 'data folder'}${who} can be written again; what was waiting is written\n`,
      ),
  });
}
