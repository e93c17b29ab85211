/**
 * The web inspector at `{ucsp}/inspector`: a page, its scripts and its style (the files of the
 * package's `inspector/` folder, read once) and the closed sets of values its forms offer
 * (`/inspector/vocabulary.json`, from the same constants the control API checks against). None of
 * it holds data: every order, notice and message comes from the control API, behind its doors
 * (token, Host, cross-site), so the page itself is served without the token.
 *
 * A strict Content-Security-Policy keeps the page to its own scripts and styles and its own origin:
 * journal bodies are hostile input, and even a mistake in the page could not run or load anything.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Response } from 'express';
import { RESPONSE_CODES, RESPONSE_MESSAGES } from '../errors/index.js';
import { packageRoot } from '../errors/package-root.js';
import { ANSWER_FAULT_KINDS } from '../gateway/corrupt-answer.js';
import { NOTICE_FAULT_ACTIONS } from '../notices/faults.js';
import { NOTICE_RESULTS, TAMPERS } from '../notices/tamper.js';
import { CURRENCIES } from '../protocol/currencies.js';
import { ISSUER_BEHAVIOURS, TEST_CARDS } from '../protocol/issuer-rules.js';
import { PARTNER_TO_UCSP_TYPES, allowedResponseCodes } from '../schemas/message-types.js';
import { FAULTABLE_NOTICE_TYPES } from './control-values.js';

/** The files of the inspector, by the name they are served under, and their type. */
export const INSPECTOR_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'inspector.css': 'text/css; charset=utf-8',
  'main.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
  'lists.js': 'text/javascript; charset=utf-8',
  'detail.js': 'text/javascript; charset=utf-8',
  'diagram.js': 'text/javascript; charset=utf-8',
  'actions.js': 'text/javascript; charset=utf-8',
  'messages.js': 'text/javascript; charset=utf-8',
};

export const INSPECTOR_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const cache = new Map<string, string>();

function file(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(packageRoot(), 'inspector', name), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** What the inspector's forms offer: the values the control API accepts, from its own constants. */
export function inspectorVocabulary(): Record<string, unknown> {
  return {
    requestTypes: PARTNER_TO_UCSP_TYPES.map((t) => ({ msgType: t, codes: allowedResponseCodes(t) })),
    responseCodes: RESPONSE_CODES.map((code) => ({ code, meaning: RESPONSE_MESSAGES[code] })),
    noticeFaultActions: NOTICE_FAULT_ACTIONS,
    noticeTypes: FAULTABLE_NOTICE_TYPES,
    tampers: TAMPERS,
    noticeResults: NOTICE_RESULTS,
    answerFaults: ANSWER_FAULT_KINDS,
    issuerBehaviours: ISSUER_BEHAVIOURS,
    testCards: TEST_CARDS,
    currencies: CURRENCIES,
  };
}

function send(res: Response, type: string, body: string): void {
  res
    .status(200)
    .set({
      'Content-Type': type,
      'Content-Security-Policy': INSPECTOR_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    })
    .send(body);
}

export function inspectorRouter(): Router {
  const r = Router();
  r.get('/', (req, res) => {
    // `/inspector` → `/inspector/`: the page's relative links resolve under it
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, `${req.baseUrl}/`);
    send(res, INSPECTOR_FILES['index.html']!, file('index.html'));
  });
  r.get('/vocabulary.json', (_req, res) => send(res, 'application/json; charset=utf-8', JSON.stringify(inspectorVocabulary())));
  r.get('/:name', (req, res, next) => {
    const type = Object.hasOwn(INSPECTOR_FILES, req.params.name) ? INSPECTOR_FILES[req.params.name] : undefined;
    if (!type || req.params.name === 'index.html') return next();
    send(res, type, file(req.params.name));
  });
  return r;
}
