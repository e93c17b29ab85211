/**
 * The one place that turns errors into HTTP answers for the non-wire routes (control API, pages).
 * The wire API never gets here: its errors are coded, signed answers (gateway).
 */
import type { ErrorRequestHandler, Response } from 'express';
import { isUcspError, type ErrorKind } from '../errors/index.js';
import { errorPage } from './pages/html.js';

const STATUS: Partial<Record<ErrorKind, number>> = { 'not-found': 404, incorrect: 409, declined: 409, usage: 400, format: 400, config: 400, unavailable: 503 };

export function statusOf(e: unknown): number {
  if (isUcspError(e)) return STATUS[e.kind] ?? 500;
  const s = (e as { status?: unknown; statusCode?: unknown }).status ?? (e as { statusCode?: unknown }).statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

export function messageOf(e: unknown): string {
  if ((e as { type?: string }).type === 'entity.too.large') return 'body over the size limit';
  if ((e as { type?: string }).type === 'entity.parse.failed') return 'body is not valid JSON';
  return e instanceof Error ? e.message : String(e);
}

export function sendJsonError(res: Response, e: unknown): void {
  const status = statusOf(e);
  res.status(status).json({ error: messageOf(e), ...(isUcspError(e) ? { kind: e.kind, responseCode: e.responseCode } : {}) });
}

/** For JSON routes. */
export const jsonErrors: ErrorRequestHandler = (err, _req, res, _next) => {
  if (res.headersSent) return;
  sendJsonError(res, err);
};

/** For HTML pages. */
export function htmlErrors(party: string): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (res.headersSent) return;
    res.status(statusOf(err)).type('html').send(errorPage(party, 'Something went wrong', messageOf(err)));
  };
}
