/**
 * Starts the three servers — mock UCSP, channel app, issuer — on host:port, port+1, port+2 (or
 * free ports with port 0), with keys parsed once. Creates test keys in keysDir when there are none.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SandboxConfig } from '../config/index.js';
import { KEY_FILES, loadCertificates, loadSigner, writeTestKeys } from '../crypto/index.js';
import { UcspError, pathExists } from '../errors/index.js';
import { createChannelApp } from '../servers/channel-app.js';
import { createIssuerApp } from '../servers/issuer-app.js';
import { createUcspApp } from '../servers/ucsp-app.js';
import { withApiFastPath } from '../servers/api-fast-path.js';
import type { VirtualClock } from '../clock/virtual-clock.js';
import { SandboxRuntime, type SandboxUrls } from './runtime.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import type { SigningPool } from './signing-pool.js';

export interface RunningSandbox {
  runtime: SandboxRuntime;
  urls: SandboxUrls;
  /** Paths a partner must know: UCSP's certificate (to verify UCSP) and its own registered one. */
  files: { ucspCertificate: string; partnerCertificate: string; keysDir: string };
  generatedKeys: boolean;
  /** A control token made at start because the sandbox is bound beyond loopback without one. */
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
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export interface StartOptions {
  clock?: VirtualClock;
  workers?: number;
  /** Where the servers' own log lines go (a connection cap reached, …); default stderr. */
  log?: (line: string) => void;
}

export async function startSandbox(config: SandboxConfig, options: StartOptions = {}): Promise<RunningSandbox> {
  // Bound beyond loopback, the control API (which can pay, sign and reset) requires a token.
  let generatedToken: string | undefined;
  if (!isLoopback(config.host) && !config.controlToken) {
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
  const partnerCertificates = await loadCertificates(config.partner.certificate, config.partner.certificatePassword ?? '');
  let store: SqliteStore | undefined;
  if (config.dataDir) {
    const { SqliteStore } = await import('../store/sqlite-store.js');
    store = new SqliteStore(config.dataDir, config.journalLimit);
  }
  let signingPool: SigningPool | undefined;
  if (options.workers && options.workers > 0) {
    const { SigningPool } = await import('./signing-pool.js');
    signingPool = new SigningPool(options.workers, ucspSigner.privateKey, config.partner.signatureVariant);
  }
  const runtime = new SandboxRuntime({
    config,
    ucspSigner,
    partnerCertificates,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(store ? { store } : {}),
    ...(signingPool ? { signingPool } : {}),
  });

  const apps = [createUcspApp(runtime), createChannelApp(runtime), createIssuerApp(runtime)];
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < apps.length; i++) {
      const listener = i === 0 ? withApiFastPath(runtime, apps[i]!) : apps[i]!;
      const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, listener);
      server.keepAliveTimeout = 5_000;
      ports.push(await listen(server, config.port === 0 ? 0 : config.port + i, config.host));
      servers.push(server);
    }
    const shown = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
    runtime.urls = { ucsp: `http://${shown}:${ports[0]}`, channel: `http://${shown}:${ports[1]}`, issuer: `http://${shown}:${ports[2]}` };
  } catch (e) {
    await Promise.all(servers.map(closeServer));
    runtime.close();
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    runtime,
    urls: runtime.urls,
    files: { ucspCertificate: ucspCert, partnerCertificate: config.partner.certificate, keysDir: config.keysDir },
    generatedKeys,
    ...(generatedToken ? { generatedToken } : {}),
    close: () => {
      closing ??= (async () => {
        // stop accepting and let requests in flight finish, then persist and stop timers
        await Promise.all(servers.map(closeServer));
        runtime.close();
      })();
      return closing;
    },
  };
}
