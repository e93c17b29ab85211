/**
 * With durable state, whatever a request changed is written before its answer leaves. When the
 * data folder cannot be written (a full disk) the answer becomes 503 with the reason — JSON for the
 * control API, a page for the rest — and, until it can be written again, requests are refused
 * with 503 before they change anything. The process lives on: the next request that finds room
 * writes what was waiting and is served as usual.
 */
import type { Request, RequestHandler, Response } from 'express';
import { isUcspError } from '../errors/index.js';
import type { SandboxRuntime } from '../sandbox/runtime.js';
import { errorPage } from './pages/html.js';

function unavailable(req: Request, res: Response, party: string, reason: string): { type: string; body: string } {
  const json = req.originalUrl.startsWith('/control') || String(res.getHeader('content-type') ?? '').includes('json');
  return json
    ? { type: 'application/json; charset=utf-8', body: JSON.stringify({ error: reason, kind: 'unavailable', responseCode: '99' }) }
    : { type: 'text/html; charset=utf-8', body: errorPage(party, 'Service unavailable', reason) };
}

/**
 * The answer, once what it changed could not be written: 503 with the reason instead of what the
 * handler wrote — unless its headers are gone already (too late to say otherwise; the next request
 * is refused).
 */
function answerInstead(req: Request, res: Response, party: string, e: unknown, end: (...a: unknown[]) => Response, a: unknown[]): Response {
  if (res.headersSent) return end(...a);
  const u = unavailable(req, res, party, isUcspError(e) ? e.message : String(e));
  res.statusCode = 503;
  res.removeHeader('content-length');
  res.removeHeader('location');
  res.setHeader('content-type', u.type);
  res.setHeader('content-length', Buffer.byteLength(u.body));
  return end(u.body);
}

export function persistBeforeAnswer(runtime: SandboxRuntime, party: string): RequestHandler {
  if (runtime.shared) return sharedBeforeAnswer(runtime, party);
  return (req, res, next) => {
    const down = runtime.storeUnavailable();
    if (down) {
      const u = unavailable(req, res, party, down);
      res.status(503).set('content-type', u.type).set('retry-after', '1').send(u.body);
      return;
    }
    const end = res.end.bind(res) as (...a: unknown[]) => typeof res;
    res.end = ((...a: unknown[]) => {
      try {
        runtime.persist();
      } catch (e) {
        return answerInstead(req, res, party, e, end, a);
      }
      return end(...a);
    }) as typeof res.end;
    next();
  };
}

/**
 * The same with PostgreSQL (state shared by several instances): before the handler, the ledger
 * catches up with what other instances wrote (the order a page shows may have been taken by
 * another); once the handler has answered, what it changed is written and committed, and only
 * then does the answer leave (held meanwhile).
 */
function sharedBeforeAnswer(runtime: SandboxRuntime, party: string): RequestHandler {
  return async (req, res, next) => {
    try {
      await runtime.persistAsync();
    } catch (e) {
      const u = unavailable(req, res, party, isUcspError(e) ? e.message : String(e));
      res.status(503).set('content-type', u.type).set('retry-after', '1').send(u.body);
      return;
    }
    const end = res.end.bind(res) as (...a: unknown[]) => typeof res;
    res.end = ((...a: unknown[]) => {
      runtime.persistAsync().then(
        () => end(...a),
        (e: unknown) => answerInstead(req, res, party, e, end, a),
      );
      return res;
    }) as typeof res.end;
    next();
  };
}
