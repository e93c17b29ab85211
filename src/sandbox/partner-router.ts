/**
 * Several partners in one sandbox (`partners` in the configuration): each partner is a runtime of
 * its own — orders, contracts, notices, journal, clock, faults — with its own Express apps, and
 * the three servers are shared. This router sends each request to the partner it belongs to:
 *
 * - the wire API by `msgInfo.insID` (an insID no partner has is answered 10, journalled nowhere);
 * - the control API, the issuer's transaction list and the home page by token: a partner's token
 *   reaches that partner only; the admin token (controlToken) names the partner with the
 *   `X-UCSP-Partner` header or `?partner=<insID>`, and alone reaches only `GET /control/partners`
 *   and the documents. No token, or a wrong one, meets the first partner's doors (401);
 * - the pages a browser is sent to by the order they show (tn, signId: random, so no two partners
 *   share one) and the login hand-off by industryCode.
 *
 * The routing decision is a function of the request (`routeUcsp`, `routeChannel`, `routeIssuer`),
 * tested as a table; the listeners only read what it needs (the wire body, a form's tn) first.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { bearerToken, sameSecret } from '../servers/doors.js';
import type { SandboxRuntime } from './runtime.js';

/** One partner: its runtime and the apps of the three servers built on it. */
export interface Tenant {
  runtime: SandboxRuntime;
  ucsp: RequestListener;
  channel: RequestListener;
  issuer: RequestListener;
}

/** The header (or query parameter `partner`) with which the admin token names a partner. */
export const PARTNER_HEADER = 'x-ucsp-partner';

/** Where a request goes: a partner, or an answer the router gives itself. */
export type Route = { tenant: Tenant } | { status: number; body: unknown };

/** What a routing decision reads of a request. */
export interface RequestHead {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingMessage['headers'];
}

const json = (status: number, body: unknown): Route => ({ status, body });

export class PartnerRouter {
  readonly tenants: readonly Tenant[];
  private readonly byInsID = new Map<string, Tenant>();
  private readonly byIndustryCode = new Map<string, Tenant>();

  constructor(
    tenants: readonly Tenant[],
    /** The admin token (read at each request: start may make one). */
    private readonly adminToken: () => string | undefined,
  ) {
    if (tenants.length === 0) throw new Error('a sandbox has at least one partner');
    this.tenants = tenants;
    for (const t of tenants) {
      this.byInsID.set(t.runtime.config.partner.insID, t);
      this.byIndustryCode.set(t.runtime.config.partner.industryCode, t);
    }
  }

  private get first(): Tenant {
    return this.tenants[0]!;
  }

  /** The partner of a wire request, by msgInfo.insID; undefined when no partner has it. */
  tenantOfMessage(body: Buffer): Tenant | undefined {
    const insID = insIDOf(body);
    return insID === undefined ? undefined : this.byInsID.get(insID);
  }

  /**
   * The partner whose page it is: a payment's by its tn and key (two partners may hand out the same
   * tn, but each has its own page keys), a signing's by its signId (128 random bits).
   */
  tenantOfPage(ref: { tn?: string; key?: unknown; signId?: string }): Tenant | undefined {
    if (ref.signId !== undefined) return this.tenants.find((t) => t.runtime.ledger.bySignId.get(ref.signId!) !== undefined);
    const { tn, key } = ref;
    if (tn === undefined) return undefined;
    return this.tenants.find((t) => t.runtime.pageKeys.matches('pay', tn, key) && t.runtime.ledger.paymentByTn(tn) !== undefined);
  }

  /**
   * The partner a token (and, for the admin token, the partner it names) reaches. The admin token
   * alone reaches the list of partners and the control API's documents (they hold no partner's state).
   */
  scoped(req: RequestHead, path: string, query: URLSearchParams): Route {
    const given = bearerToken(req.headers.authorization);
    const token = given === undefined ? undefined : Buffer.from(given);
    const named = headerValue(req.headers[PARTNER_HEADER]) ?? query.get('partner') ?? undefined;
    if (token === undefined) return { tenant: this.first }; // its doors ask for the token
    const own = this.tenants.find((t) => t.runtime.config.partner.token !== undefined && sameSecret(token, Buffer.from(t.runtime.config.partner.token)));
    if (own) {
      if (named !== undefined && named !== own.runtime.config.partner.insID) {
        return json(403, { error: `this token is partner ${own.runtime.config.partner.insID}'s: it does not reach partner ${named}` });
      }
      return { tenant: own };
    }
    const admin = this.adminToken();
    if (admin === undefined || !sameSecret(token, Buffer.from(admin))) return { tenant: this.first }; // refused there (401)
    if (named !== undefined) {
      const t = this.byInsID.get(named);
      return t ? { tenant: t } : json(404, { error: `no partner ${named} in this sandbox`, partners: this.list() });
    }
    if (path === '/control/partners') return json(200, { partners: this.list() });
    if (path === '/control' || path === '/control/' || path.startsWith('/control/openapi.')) return { tenant: this.first };
    return json(400, { error: `several partners share this sandbox: name one with the X-UCSP-Partner header or ?partner=<insID> (GET /control/partners lists them)`, partners: this.list() });
  }

  /** The partners, as the admin sees them. */
  list(): ReturnType<SandboxRuntime['partnerSummary']>[] {
    return this.tenants.map((t) => t.runtime.partnerSummary());
  }

  /** The UCSP server (but `POST /ucsp/api`, which `handleApi` takes): pages, control API, inspector. */
  routeUcsp(req: RequestHead): Route {
    const { path, query } = splitUrl(req.url);
    if (path === '/control' || path.startsWith('/control/')) return this.scoped(req, path, query);
    let m = /^\/ucsp\/(?:cashier|result)\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) return this.pageTenant({ tn: decodeSegment(m[1]!), key: decodeSegment(m[2]!) });
    m = /^\/ucsp\/sign\/([^/]+)$/.exec(path);
    if (m) return this.pageTenant({ signId: decodeSegment(m[1]!) });
    if (path === '/ucsp/authorize') {
      const code = query.get('industryCode');
      return { tenant: (code !== null && this.byIndustryCode.get(code)) || this.first };
    }
    if (path === '/' && req.headers.authorization !== undefined) {
      const r = this.scoped(req, path, query);
      return 'tenant' in r ? r : { tenant: this.first };
    }
    return { tenant: this.first };
  }

  /** The channel app: its payment and signing pages by tn and signId, the user's entry by industryCode. */
  routeChannel(req: RequestHead, form?: Record<string, unknown>): Route {
    const { path, query } = splitUrl(req.url);
    if (path === '/channel/pay') return this.pageTenant({ tn: query.get('tn') ?? '', key: query.get('key') });
    if (path === '/channel/pay/confirm' || path === '/channel/pay/cancel') return this.pageTenant({ tn: typeof form?.tn === 'string' ? form.tn : '', key: form?.key });
    const m = /^\/channel\/sign\/([^/]+)$/.exec(path);
    if (m) return this.pageTenant({ signId: decodeSegment(m[1]!) });
    if (path === '/channel/open') {
      const code = query.get('industryCode');
      return { tenant: (code !== null && this.byIndustryCode.get(code)) || this.first };
    }
    return { tenant: this.first };
  }

  /** The issuer: its transaction list by token; its cards and rules are everyone's. */
  routeIssuer(req: RequestHead): Route {
    const { path, query } = splitUrl(req.url);
    if (path === '/issuer/transactions') return this.scoped(req, path, query);
    return { tenant: this.first };
  }

  /** A page of one order: the partner that holds it; none does, the first (which says "no such page"). */
  private pageTenant(ref: { tn?: string; key?: unknown; signId?: string }): Route {
    return { tenant: this.tenantOfPage(ref) ?? this.first };
  }

  // ── listeners ────────────────────────────────────────────────────────────

  /** `POST /ucsp/api`: to the partner of msgInfo.insID; an insID no partner has is answered 10 here. */
  handleApi(body: Buffer, peer: string): { text: string } | Promise<{ text: string }> {
    const insID = insIDOf(body);
    const tenant = insID === undefined ? undefined : this.byInsID.get(insID);
    if (tenant) return tenant.runtime.answerApi(body, peer);
    const why = insID === undefined ? 'msgInfo.insID is missing or the body is not JSON: no partner to route it to' : `insID ${insID} is not registered with this sandbox`;
    return { text: this.first.runtime.answerWithoutState(body, '10', why) };
  }

  ucspListener(): RequestListener {
    return (req, res) => {
      if (splitUrl(req.url).path === '/readyz') return void this.readyz(res);
      void this.dispatch(req, res, (r) => this.routeUcsp(r), 'ucsp');
    };
  }

  /** Ready when every partner is (its database reachable and migrated, its data folder writable). */
  private async readyz(res: ServerResponse): Promise<void> {
    const reasons = await Promise.all(this.tenants.map(async (t) => [t.runtime.config.partner.insID, await t.runtime.notReady().catch((e: unknown) => String(e))] as const));
    const down = reasons.find(([, why]) => why !== undefined);
    const body = down ? { status: 'not ready', reason: `partner ${down[0]}: ${down[1]}` } : { status: 'ready', store: this.first.runtime.store?.engine ?? 'memory', partners: this.tenants.length };
    res.writeHead(down ? 503 : 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  }

  issuerListener(): RequestListener {
    return (req, res) => void this.dispatch(req, res, (r) => this.routeIssuer(r), 'issuer');
  }

  channelListener(): RequestListener {
    return (req, res) => {
      const { path } = splitUrl(req.url);
      if (req.method === 'POST' && (path === '/channel/pay/confirm' || path === '/channel/pay/cancel')) {
        // the order is named in the form: read it here (as the app's own parser would), then hand
        // the parsed body on — body-parser leaves a request whose body was read alone
        void readForm(req).then(
          (form) => {
            if (form === undefined) {
              res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('form over the size limit\n');
              return;
            }
            (req as IncomingMessage & { body?: unknown }).body = form;
            void this.dispatch(req, res, (r) => this.routeChannel(r, form), 'channel');
          },
          () => res.destroy(),
        );
        return;
      }
      void this.dispatch(req, res, (r) => this.routeChannel(r), 'channel');
    };
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, route: (r: RequestHead) => Route, server: 'ucsp' | 'channel' | 'issuer'): Promise<void> {
    let r = route(req);
    // PostgreSQL: the order may have been made on another instance since this one last looked
    if ('tenant' in r && r.tenant === this.first && this.tenants.some((t) => t.runtime.shared) && namesAnOrder(req.url)) {
      await Promise.all(this.tenants.map((t) => t.runtime.persistAsync().catch(() => undefined)));
      r = route(req);
    }
    if (!('tenant' in r)) {
      res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(r.body));
      return;
    }
    // the admin's choice of partner is the router's; the partner's own app does not see it
    const { path, query } = splitUrl(req.url);
    if (query.has('partner')) {
      query.delete('partner');
      const q = query.toString();
      req.url = `${path}${q ? `?${q}` : ''}`;
    }
    r.tenant[server](req, res);
  }
}

/** msgInfo.insID of a wire body, read leniently (the partner's own path reads it strictly). */
export function insIDOf(body: Buffer): string | undefined {
  try {
    const msg = JSON.parse(body.toString('utf8')) as { msgInfo?: { insID?: unknown } } | null;
    const insID = msg?.msgInfo?.insID;
    return typeof insID === 'string' ? insID : undefined;
  } catch {
    return undefined;
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function splitUrl(url: string | undefined): { path: string; query: URLSearchParams } {
  const raw = url ?? '/';
  const i = raw.indexOf('?');
  return i < 0 ? { path: raw, query: new URLSearchParams() } : { path: raw.slice(0, i), query: new URLSearchParams(raw.slice(i + 1)) };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Whether a URL names an order a browser was sent to (tn or signId). */
function namesAnOrder(url: string | undefined): boolean {
  return /^\/(ucsp\/(cashier|result|sign)|channel\/(pay|sign))\b/.test(url ?? '');
}

/** A urlencoded form of at most 8 KB and 20 fields (as the channel app's own parser), or undefined when larger. */
function readForm(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const LIMIT = 8 * 1024;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > LIMIT) over = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (over) return resolve(undefined);
      const type = String(req.headers['content-type'] ?? '');
      resolve(/^application\/x-www-form-urlencoded\b/i.test(type) ? { ...parseQuery(Buffer.concat(chunks).toString('utf8'), '&', '=', { maxKeys: 20 }) } : {});
    });
    req.on('error', reject);
  });
}
