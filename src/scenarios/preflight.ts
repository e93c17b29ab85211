/**
 * Before the first scenario: is the partner there at all? An unreachable driver, an unreachable
 * INDUSTRY_INDEX_URL or a driver that does not speak PROFILE §9 is one clear usage error (exit 2),
 * not forty scenario failures.
 */
import { randomBytes } from 'node:crypto';
import { UcspError } from '../errors/index.js';
import { driverFailure } from './partner-drivers.js';

export interface PreflightOptions {
  /** The driver to probe (driver mode). */
  driverUrl?: string;
  /** The login hand-off target to probe (when login scenarios will run). */
  indexUrl?: string;
  timeoutMs: number;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<Answer> {
  const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text };
}

const excerpt = (a: Answer) => `${a.status}${a.contentType ? ` (${a.contentType.split(';')[0]})` : ''}${a.text ? `: ${JSON.stringify(a.text.slice(0, 100))}` : ''}`;

function jsonError(a: Answer): boolean {
  try {
    const v = JSON.parse(a.text) as { error?: unknown };
    return typeof v?.error === 'string';
  } catch {
    return false;
  }
}

/** Probes the driver: an unknown action must be refused with a 4xx {"error"}, an unknown order must be 404. */
export async function checkDriver(driverUrl: string, timeoutMs: number): Promise<void> {
  const base = driverUrl.replace(/\/+$/, '');
  const wrongUrl = `is partner.driverUrl (--driver-url) the base of your driver, so that ${base}/actions is its actions endpoint?`;
  let a: Answer;
  try {
    a = await request(`${base}/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'ucspSandboxPreflight', params: {} }) }, timeoutMs);
  } catch (e) {
    throw new UcspError('usage', `preflight: ${driverFailure(e, `POST ${base}/actions`, timeoutMs)} — is your Industry Service running, and is partner.driverUrl (--driver-url) right?`);
  }
  if (a.status < 400 || !jsonError(a)) {
    throw new UcspError('usage', `preflight: the driver at ${base} does not speak PROFILE §9: an unknown action was answered ${excerpt(a)}; a §9 driver cannot act on it and answers a 4xx/5xx with a JSON {"error": "…"} — ${wrongUrl}`);
  }
  const probe = `UcspPreflight${randomBytes(6).toString('hex')}`;
  let o: Answer;
  try {
    o = await request(`${base}/orders/${probe}`, {}, timeoutMs);
  } catch (e) {
    throw new UcspError('usage', `preflight: ${driverFailure(e, `GET ${base}/orders/${probe}`, timeoutMs)}`);
  }
  if (o.status !== 404) {
    throw new UcspError('usage', `preflight: the driver at ${base} does not speak PROFILE §9: GET /orders/${probe} (an order nobody made) was answered ${excerpt(o)}; PROFILE §9 says 404 for an unknown order`);
  }
}

/** Probes the INDUSTRY_INDEX_URL: any HTTP answer will do (without request_data a partner refuses it). */
export async function checkIndexUrl(indexUrl: string, timeoutMs: number): Promise<void> {
  try {
    await request(indexUrl, {}, timeoutMs);
  } catch (e) {
    const err = e as Error;
    const why = err.name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : err.cause instanceof Error ? err.cause.message : err.message;
    throw new UcspError('usage', `preflight: the partner's INDUSTRY_INDEX_URL ${indexUrl} does not answer (${why}) — the login hand-off redirects browsers there; is your Industry Service running, and is partner.indexUrl (--index-url) right?`);
  }
}

export async function preflight(o: PreflightOptions): Promise<void> {
  if (o.driverUrl) await checkDriver(o.driverUrl, o.timeoutMs);
  if (o.indexUrl) await checkIndexUrl(o.indexUrl, o.timeoutMs);
}
