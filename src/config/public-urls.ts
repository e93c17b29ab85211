/**
 * Where the three servers are, as browsers and the partner reach them (`publicUrl`), and as this
 * machine reaches them (the bound address); whether the sandbox is reached beyond loopback.
 */
import type { SandboxConfig } from './config-schema.js';

export interface ServerUrls {
  ucsp: string;
  channel: string;
  issuer: string;
}

const SERVERS = ['ucsp', 'channel', 'issuer'] as const;

/** A host name as compared: lower case, no IPv6 brackets, no trailing dot. */
export function normalizeHostname(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** Loopback addresses and names: reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const h = normalizeHostname(host);
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The addresses that bind every interface. */
export function isWildcard(host: string): boolean {
  const h = normalizeHostname(host);
  return h === '0.0.0.0' || h === '::' || h === '';
}

/** How a bound host is written in a URL: every interface as 127.0.0.1, IPv6 in brackets. */
export function shownHost(host: string): string {
  if (isWildcard(host)) return '127.0.0.1';
  const h = normalizeHostname(host);
  return h.includes(':') ? `[${h}]` : h;
}

/** The host names of publicUrl (one base or per server). */
export function publicHostnames(publicUrl: SandboxConfig['publicUrl']): string[] {
  const urls = publicUrl === undefined ? [] : typeof publicUrl === 'string' ? [publicUrl] : SERVERS.map((k) => publicUrl[k]).filter((u): u is string => u !== undefined);
  return urls.filter((u) => URL.canParse(u)).map((u) => normalizeHostname(new URL(u).hostname));
}

/**
 * Whether the sandbox is reached beyond this machine: bound to an address that is not loopback, or
 * announced (publicUrl) under a name that is not — a port forward or a proxy in front of a loopback
 * bind is as remote as a bind on 0.0.0.0. Then the control API needs its token.
 */
export function reachedBeyondLoopback(config: Pick<SandboxConfig, 'host' | 'publicUrl'>): boolean {
  return !isLoopback(config.host) || publicHostnames(config.publicUrl).some((h) => !isLoopback(h));
}

/** The explicit port of a base URL (`http://h:80` has one; the URL class would drop it). */
function explicitPort(url: string): number | undefined {
  const m = /^https?:\/\/(?:\[[^\]]*\]|[^:/?#]*):([0-9]+)\/?$/.exec(url);
  return m ? Number(m[1]) : undefined;
}

/**
 * The servers' URLs: `bound` (this machine reaches them there) and `public` (every printed or
 * redirected link). One base URL puts UCSP at its port, the channel app at port+1 and the issuer at
 * port+2 — or at the bound ports when it has none; per server, each given URL is used as it is.
 */
export function serverUrls(config: Pick<SandboxConfig, 'host' | 'publicUrl'>, ports: readonly [number, number, number]): { bound: ServerUrls; public: ServerUrls } {
  const host = shownHost(config.host);
  const bound = { ucsp: `http://${host}:${ports[0]}`, channel: `http://${host}:${ports[1]}`, issuer: `http://${host}:${ports[2]}` };
  const p = config.publicUrl;
  if (p === undefined) return { bound, public: bound };
  if (typeof p === 'string') {
    const u = new URL(p);
    const base = explicitPort(p);
    const at = (i: 0 | 1 | 2) => `${u.protocol}//${u.hostname}:${base === undefined ? ports[i] : base + i}`;
    return { bound, public: { ucsp: at(0), channel: at(1), issuer: at(2) } };
  }
  const pick = (k: (typeof SERVERS)[number]) => (p[k] === undefined ? bound[k] : p[k].replace(/\/$/, ''));
  return { bound, public: { ucsp: pick('ucsp'), channel: pick('channel'), issuer: pick('issuer') } };
}
