/**
 * The doors of the sandbox's HTTP surfaces: who may reach what (README, "Safety defaults").
 *
 * - Host: every surface but the wire API answers only requests whose Host is one of the sandbox's
 *   names (its bound address, loopback names when bound there, the machine's addresses when bound
 *   to every interface, publicUrl's hosts, allowedHosts) — a page on another site that rebinds its
 *   own name to this address (DNS rebinding) is refused. On loopback too.
 * - Cross-site: a request that may change state (any method but GET, HEAD, OPTIONS) is refused
 *   when the browser says it comes from elsewhere: `Sec-Fetch-Site` other than same-origin or none,
 *   or an `Origin` that is not one of the sandbox's own.
 * - Token: with a control token (set, or made at start when the sandbox is reached beyond
 *   loopback), the control API and the issuer's transaction list need `Authorization: Bearer
 *   <token>`. A request that carries it is no browser's cross-site request (a page cannot send that
 *   header to another origin without CORS, which the sandbox never grants), so the Host and
 *   cross-site checks are not needed for it.
 * - The pages that pay, cancel and sign are reached only through capability URLs (the key in
 *   paymentUrl, the random signId of signUrl): see runtime.paymentPage and IdGenerator.signId.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler, Response } from 'express';
import { normalizeHostname } from '../config/public-urls.js';

export interface DoorsState {
  /** The control token, when there is one (read at each request: start may make one). */
  readonly token: string | undefined;
  /** Every token that opens these doors: the control (admin) token and the partner's own. */
  readonly tokens?: readonly string[];
  /** Host names the sandbox answers to (normalised). */
  readonly hostnames: ReadonlySet<string>;
  /** The sandbox's own origins (its servers' public and bound URLs). */
  readonly origins: ReadonlySet<string>;
}

/** The sandbox's doors: which Host names it answers to, its own origins, its token. */
export class Doors implements DoorsState {
  hostnames = new Set<string>(['localhost', '127.0.0.1', '::1']);
  origins = new Set<string>();

  constructor(private readonly config: { controlToken?: string | undefined; partner?: { token?: string | undefined } }) {}

  /** The token the doors ask for (the admin one; a partner's own when it is the only one). */
  get token(): string | undefined {
    return this.config.controlToken ?? this.config.partner?.token;
  }

  get tokens(): string[] {
    return [this.config.controlToken, this.config.partner?.token].filter((t): t is string => t !== undefined);
  }

  /** Sets what start-up learnt: the names to answer to, and the servers' URLs (public and bound). */
  configure(hostnames: Iterable<string>, urls: Iterable<string>): void {
    this.hostnames = new Set([...hostnames].map(normalizeHostname));
    this.origins = new Set([...urls].filter((u) => URL.canParse(u)).map((u) => new URL(u).origin));
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host name of a Host header (no port, normalised), or undefined when it is not one. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::[0-9]{1,5})?$/.exec(host.trim());
  return m ? normalizeHostname(m[1]!) : undefined;
}

/** Whether a request's Host names this sandbox. */
export function hostAllowed(doors: DoorsState, host: string | undefined): boolean {
  const name = hostnameOf(host);
  return name !== undefined && doors.hostnames.has(name);
}

/** What the Authorization header holds against the token: it, something else, or no Bearer form. */
export function tokenGiven(doors: DoorsState, authorization: string | undefined): 'valid' | 'invalid' | 'malformed' | 'missing' {
  const wanted = doors.tokens ?? (doors.token === undefined ? [] : [doors.token]);
  if (authorization === undefined || authorization === '') return 'missing';
  const token = bearerToken(authorization);
  if (token === undefined) return 'malformed';
  const given = Buffer.from(token);
  return wanted.some((want) => sameSecret(given, Buffer.from(want))) ? 'valid' : 'invalid';
}

/** The token of `Authorization: Bearer <token>`, or undefined when the header is not of that form. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization ? /^Bearer +(\S+) *$/i.exec(authorization)?.[1] : undefined;
}

/** Equal bytes, compared in time that does not depend on where they differ. */
export function sameSecret(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Why a request that may change state is cross-site, or undefined when it is not: what the browser
 * says (`Sec-Fetch-Site`, `Origin`). Clients that are no browser send neither and pass.
 */
export function crossSiteReason(doors: DoorsState, req: Pick<IncomingMessage, 'method' | 'headers'>): string | undefined {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return undefined;
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (!URL.canParse(origin)) return `Origin: ${origin}`;
  const o = new URL(origin);
  const host = req.headers.host?.toLowerCase();
  const own = doors.origins.has(o.origin) || (host !== undefined && o.host.toLowerCase() === host && (o.protocol === 'http:' || o.protocol === 'https:'));
  return own ? undefined : `Origin: ${origin}`;
}

export type Refuse = (res: Response, status: number, message: string) => void;

/**
 * The doors as Express middleware. `token`: the surface needs the control token when there is one
 * (control API, issuer transactions); without that, a surface still checks Host and cross-site.
 */
export function doorsGuard(doors: DoorsState, o: { token: boolean; refuse: Refuse }): RequestHandler {
  return (req, res, next) => {
    if (res.locals.doorsPassed === true) return next(); // an earlier guard (with the token) let it in
    if (o.token && doors.token !== undefined) {
      const given = tokenGiven(doors, req.headers.authorization);
      if (given === 'valid') {
        res.locals.doorsPassed = true;
        return next();
      }
      o.refuse(res, 401, given === 'malformed' ? 'control token required as Authorization: Bearer <token> (the token alone, or another scheme, is refused)' : 'control token required: Authorization: Bearer <token>');
      return;
    }
    if (!hostAllowed(doors, req.headers.host)) {
      o.refuse(
        res,
        403,
        `Host ${JSON.stringify(req.headers.host ?? '')} is not a name of this sandbox: a page of another site may not reach it (DNS rebinding). Use the address the sandbox printed, or add the name to publicUrl (--public-url) or allowedHosts`,
      );
      return;
    }
    const why = crossSiteReason(doors, req);
    if (why) {
      o.refuse(res, 403, `cross-site request refused (${why}): the sandbox changes state only for its own pages and for clients that are no browser`);
      return;
    }
    res.locals.doorsPassed = true;
    next();
  };
}
