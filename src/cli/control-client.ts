/**
 * The commands that act on a running sandbox (logs, trigger, notices, clock, orders, status,
 * reset) talk to it through its control API only, with this client: where the sandbox is
 * (--sandbox, UCSP_SANDBOX_URL, else the configured host and port), its token (--token,
 * UCSP_SANDBOX_TOKEN, else the configured controlToken), and what its answers mean as exit codes:
 * bad input, a missing token or an unreachable sandbox 2, an action the sandbox refuses (404, 409)
 * or cannot do (503) 1.
 */
import { checkPartnerFlag } from './options.js';
import { Option, type Command } from 'commander';
import { UcspError } from '../errors/index.js';

export interface RemoteFlags {
  sandbox?: string;
  token?: string;
  partner?: string;
  config?: string;
  json?: boolean;
}

function parseBaseUrl(v: string): string {
  if (!/^https?:\/\/[^/?#@\s]+\/?$/.test(v) || !URL.canParse(v)) throw new UcspError('usage', `--sandbox must be the sandbox's UCSP base URL http(s)://host:port, with no path (got "${v}")`);
  return v.replace(/\/$/, '');
}

/** --sandbox, --token, --config and --json, with the environment variables they default to. */
export function addRemoteFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--sandbox <url>', "the sandbox's UCSP base URL (default: the configured host and port, http://127.0.0.1:7300)").env('UCSP_SANDBOX_URL'))
    .addOption(new Option('--token <token>', "the control API's token, when the sandbox needs one (default: controlToken of the configuration, else the partner's token)").env('UCSP_SANDBOX_TOKEN'))
    .addOption(new Option('--partner <insID>', 'in a sandbox shared by several partners, with the admin token: the partner to act on (a partner token needs none)').env('UCSP_SANDBOX_PARTNER'))
    .option('--config <file>', 'configuration file to find the sandbox in (default: ./ucsp-sandbox.config.json when present)')
    .option('--json', 'print JSON on stdout (nothing else there)', false);
}

/** Where the sandbox is and its token: the flags, else the configuration (its bound host and port). */
export async function resolveSandbox(flags: RemoteFlags): Promise<{ base: string; token?: string }> {
  checkPartnerFlag(flags.partner);
  if (flags.sandbox !== undefined && flags.token !== undefined) return { base: parseBaseUrl(flags.sandbox), token: flags.token };
  const [{ loadConfig }, { shownHost }] = await Promise.all([import('../config/load-config.js'), import('../config/public-urls.js')]);
  const port = process.env.UCSP_SANDBOX_PORT;
  const host = process.env.UCSP_SANDBOX_HOST;
  let loaded: Awaited<ReturnType<typeof loadConfig>>;
  try {
    loaded = await loadConfig({
      cwd: process.cwd(),
      ...(flags.config ? { configPath: flags.config } : {}),
      overrides: { ...(host ? { host } : {}), ...(port && /^[0-9]+$/.test(port) ? { port: Number(port) } : {}) },
    });
  } catch (e) {
    // with --sandbox the configuration only may give the token: a broken file found by chance is not in the way
    if (flags.sandbox !== undefined && flags.config === undefined) return { base: parseBaseUrl(flags.sandbox) };
    throw e;
  }
  const token = flags.token ?? loaded.config.controlToken ?? loaded.config.partner.token;
  if (flags.sandbox !== undefined) return { base: parseBaseUrl(flags.sandbox), ...(token ? { token } : {}) };
  if (loaded.config.port === 0) {
    throw new UcspError('usage', `the configuration${loaded.file ? ` (${loaded.file})` : ''} has port 0 (free ports): give the sandbox's URL with --sandbox (start prints it)`);
  }
  // the address this machine reaches it at (every interface is reached at 127.0.0.1); publicUrl
  // is where others reach it, and may be a forward this machine cannot use
  return { base: `http://${shownHost(loaded.config.host)}:${loaded.config.port}`, ...(token ? { token } : {}) };
}

export interface ControlAnswer<T> {
  status: number;
  json: T;
  headers: Headers;
}

export class ControlClient {
  constructor(
    readonly base: string,
    private readonly token?: string,
    /** With the admin token of a sandbox shared by several partners: the partner (insID) acted on. */
    private readonly partner?: string,
  ) {}

  static async connect(flags: RemoteFlags): Promise<ControlClient> {
    const { base, token } = await resolveSandbox(flags);
    return new ControlClient(base, token, flags.partner);
  }

  private headers(json: boolean): Record<string, string> {
    return {
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      ...(this.partner ? { 'x-ucsp-partner': this.partner } : {}),
    };
  }

  private unreachable(e: unknown): UcspError {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    return new UcspError('usage', `cannot reach the sandbox at ${this.base} (${why}): is it running? Start it with \`npx ucsp-sandbox start\`, or give its URL with --sandbox URL`);
  }

  /** The answer of a control call; a refusal is an error of the kind its status means. */
  async call<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown, o: { timeoutMs?: number } = {}): Promise<ControlAnswer<T>> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/control${path}`, {
        method,
        headers: this.headers(body !== undefined),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
      });
    } catch (e) {
      if ((e as Error).name === 'TimeoutError') throw new UcspError('common', `the sandbox at ${this.base} did not answer ${method} /control${path} within ${Math.round((o.timeoutMs ?? 60_000) / 1000)} s`);
      throw this.unreachable(e);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new UcspError('usage', `${this.base} answered ${method} /control${path} with something other than JSON (HTTP ${res.status}): is it a ucsp-sandbox?`);
    }
    if (!res.ok) throw this.refusal(res.status, path, json);
    return { status: res.status, json: json as T, headers: res.headers };
  }

  private refusal(status: number, path: string, json: unknown): UcspError {
    const said = (json as { error?: unknown } | undefined)?.error;
    const error = typeof said === 'string' ? said : `HTTP ${status}`;
    if (status === 401) return new UcspError('usage', `the sandbox needs its control token: ${error}. Give it with --token or UCSP_SANDBOX_TOKEN (start printed it), or set controlToken in the configuration`);
    if (status === 404 && /no such control call/.test(error)) return new UcspError('usage', `${this.base} has no control call ${path}: is it a ucsp-sandbox of this version?`);
    if (status === 404) return new UcspError('not-found', error);
    if (status === 409) return new UcspError('incorrect', error);
    if (status === 503) return new UcspError('unavailable', error);
    if (status >= 400 && status < 500) return new UcspError('usage', `the sandbox refused the call (HTTP ${status}): ${error}`);
    return new UcspError('common', `the sandbox failed (HTTP ${status}): ${error}`);
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.call<T>('GET', path).then((a) => a.json);
  }

  post<T = unknown>(path: string, body: unknown = {}, o: { timeoutMs?: number } = {}): Promise<T> {
    return this.call<T>('POST', path, body, o).then((a) => a.json);
  }

  /** A streamed GET (server-sent events): the open response, or the refusal as an error. */
  async stream(path: string, signal: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/control${path}`, { headers: { accept: 'text/event-stream', ...this.headers(false) }, signal });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw this.unreachable(e);
    }
    if (!res.ok) {
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      throw this.refusal(res.status, path, json);
    }
    return res;
  }

  /** Every item of a paged list (?limit, X-Next-Cursor), a page at a time. */
  async *pages<T>(path: string, pageSize = 1000): AsyncGenerator<T[]> {
    let cursor: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const a = await this.call<T[]>('GET', `${path}${sep}limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      yield a.json;
      cursor = a.headers.get('x-next-cursor') ?? undefined;
    } while (cursor);
  }
}
