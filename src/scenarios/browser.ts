/** The user's browser, as far as the suite needs one: GET with cookies, following redirects by hand. */
import { decodeEntities, formRequest, parseForms } from './html-forms.js';

export interface BrowseResult {
  /** Status of the first response from the partner's origin (a redirect counts as accepted). */
  status: number;
  url: string;
  cookies: string[];
  body: string;
}

export async function browse(url: string, cookies: string[] = [], maxHops = 5): Promise<BrowseResult> {
  let current = url;
  let jar = [...cookies];
  let first: number | undefined;
  const origin = new URL(url).origin;
  for (let hop = 0; ; hop++) {
    const res = await fetch(current, { redirect: 'manual', headers: jar.length ? { cookie: jar.join('; ') } : {}, signal: AbortSignal.timeout(30_000) });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    jar = [...jar.filter((c) => !set.some((s) => s.split('=')[0] === c.split('=')[0])), ...set];
    if (new URL(current).origin === origin) first ??= res.status;
    const location = res.headers.get('location');
    const body = await res.text();
    if (res.status >= 300 && res.status < 400 && location && hop < maxHops) {
      current = new URL(location, current).href;
      continue;
    }
    return { status: first ?? res.status, url: current, cookies: jar, body };
  }
}

// ── the frontend payment as a user walks it ───────────────────────────────────────────────────

/** One request the walking browser made; status 0 when it got no answer (`error` says why). */
export interface WalkStep {
  method: 'GET' | 'POST';
  url: string;
  status: number;
  error?: string;
}

export interface PaymentWalk {
  /** `paid`/`abandoned`: the card was confirmed or the payment cancelled, and the browser sent back; `stopped`: see `problem`. */
  outcome: 'paid' | 'abandoned' | 'stopped';
  /** Why the walk failed, in words: it stopped, or the page it came back to answered 5xx. */
  problem?: string;
  /** Every request, redirects included, in order. */
  steps: WalkStep[];
  /** Where the browser ended: the page it came back to after confirming or cancelling. */
  returnedTo?: string;
  /** That page's HTTP status (absent when it could not be reached from here: `returnError`). */
  returnStatus?: number;
  returnError?: string;
}

/** Referrer-Policy strict-origin-when-cross-origin, browsers' default: the full URL within an origin, only the origin across. */
export function referrerFor(from: string, to: string): string {
  const a = new URL(from);
  const b = new URL(to);
  if (a.protocol === 'https:' && b.protocol === 'http:') return '';
  a.hash = '';
  return a.origin === b.origin ? a.href : `${a.origin}/`;
}

const PAY_LABEL = /^(confirm|pay)\b/i;
const CANCEL_LABEL = /\b(cancel|close|back)\b/i;
const MAX_PAGES = 6;
const MAX_REDIRECTS = 5;

interface Landing {
  url: string;
  status: number;
  body: string;
  /** No answer at `url` (after `hops` redirects). */
  error?: string;
  hops: number;
}

/**
 * A user's browser, without JavaScript, from the paymentUrl the partner gave to the page it comes
 * back to: it opens the cashier, goes on with its one form (Pay), and on the channel app's payment
 * page (the form offering cards) chooses `card` (default: the one checked) and presses Confirm — or
 * Cancel, for `choice: 'cancel'` — then follows the redirect back (the partner's frontUrl). Cookies
 * are kept, and the Referer (and a form's Origin) are sent as a browser sends them. Nothing in the walk throws: what stops it
 * is reported in `problem`. The page it comes back to is the partner's: a 4xx there (a page that
 * wants its own session, say) or no answer at all (a frontUrl this machine cannot reach) is noted,
 * not a problem — PROFILE does not say what it shows; a 5xx is a problem.
 */
export async function walkPayment(paymentUrl: string, o: { choice: 'pay' | 'cancel'; card?: string; timeoutMs?: number }): Promise<PaymentWalk> {
  const steps: WalkStep[] = [];
  const jar = new Map<string, string>();
  const stop = (problem: string): PaymentWalk => ({ outcome: 'stopped', problem, steps });
  /** One navigation, following redirects (a 303, or a 301/302 after a POST, becomes a GET). */
  const navigate = async (first: { method: 'GET' | 'POST'; url: string; body?: string }, referrer?: string): Promise<Landing> => {
    let req = first;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {};
      if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const ref = referrer ? referrerFor(referrer, req.url) : '';
      if (ref) headers.referer = ref;
      if (req.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      // a form's POST carries the Origin of the page that sent it, as browsers send it
      if (req.method === 'POST' && hop === 0 && referrer) headers.origin = new URL(referrer).origin;
      let res: Response;
      let body: string;
      try {
        res = await fetch(req.url, { method: req.method, headers, ...(req.body !== undefined ? { body: req.body } : {}), redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
        body = await res.text();
      } catch (e) {
        const err = e as Error;
        const error = err.cause instanceof Error ? err.cause.message : err.message;
        steps.push({ method: req.method, url: req.url, status: 0, error });
        return { url: req.url, status: 0, body: '', error, hops: hop };
      }
      for (const c of res.headers.getSetCookie()) {
        const pair = c.split(';')[0]!;
        const eq = pair.indexOf('=');
        if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      steps.push({ method: req.method, url: req.url, status: res.status });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location && hop < MAX_REDIRECTS && URL.canParse(location, req.url)) {
        const next = new URL(location, req.url).href;
        req = res.status === 307 || res.status === 308 ? { ...req, url: next } : { method: 'GET', url: next };
        continue;
      }
      return { url: req.url, status: res.status, body, hops: hop };
    }
  };

  let page = await navigate({ method: 'GET', url: paymentUrl });
  if (page.error) return stop(`the paymentUrl ${paymentUrl} could not be opened${page.url !== paymentUrl ? ` (at ${page.url})` : ''}: ${page.error}`);
  if (page.status !== 200) return stop(`the paymentUrl ${paymentUrl} answered HTTP ${page.status}${page.url !== paymentUrl ? ` (at ${page.url})` : ''}: it is not UCSP's cashier page`);
  for (let n = 0; n < MAX_PAGES; n++) {
    const forms = parseForms(page.body);
    const sdk = forms.find((f) => f.controls.some((c) => c.type === 'radio' && c.name === 'card'));
    let request;
    try {
      if (sdk) {
        // the channel app's payment page: choose the card, then Confirm or Cancel
        const button = o.choice === 'pay' ? (sdk.buttons.find((b) => PAY_LABEL.test(b.label)) ?? sdk.buttons[0]) : sdk.buttons.find((b) => CANCEL_LABEL.test(b.label));
        if (!button) return stop(`the payment page ${page.url} has no ${o.choice === 'pay' ? 'Confirm' : 'Cancel'} button`);
        const submitted = steps.length;
        const back = await navigate(formRequest(sdk, page.url, { button, ...(o.card ? { choose: { card: o.card } } : {}) }), page.url);
        const answer = steps[submitted]!;
        if (answer.status === 0) return stop(`pressing ${button.label} on the payment page got no answer: ${answer.error ?? ''}`);
        if (answer.status >= 400) return stop(`pressing ${button.label} on the payment page answered HTTP ${answer.status}${errorText(back.body)}`);
        if (back.hops === 0) return stop(`pressing ${button.label} on the payment page answered HTTP ${answer.status}, not a redirect back${errorText(back.body)}`);
        const walk: PaymentWalk = { outcome: o.choice === 'pay' ? 'paid' : 'abandoned', steps, returnedTo: back.url };
        if (back.error) walk.returnError = back.error;
        else walk.returnStatus = back.status;
        if (back.status >= 500) walk.problem = `after ${button.label} the browser came back to ${back.url}, which answered HTTP ${back.status}`;
        return walk;
      }
      if (forms.length !== 1 || !forms[0]!.buttons.length) return stop(`the page at ${page.url} (HTTP ${page.status}) offers ${forms.length ? `${forms.length} forms` : 'no form'} to go on with${errorText(page.body)}`);
      request = formRequest(forms[0]!, page.url);
    } catch (e) {
      return stop(`at ${page.url}: ${(e as Error).message}`);
    }
    const next = await navigate(request, page.url);
    if (next.error) return stop(`going on from ${page.url}: no answer at ${next.url}: ${next.error}`);
    if (next.status !== 200) return stop(`going on from ${page.url} answered HTTP ${next.status} at ${next.url}${errorText(next.body)}`);
    page = next;
  }
  return stop(`no payment page after ${MAX_PAGES} pages`);
}

/** The error a page shows (the sandbox's pages mark it with class "error"), as " — text". */
function errorText(html: string): string {
  const m = /<[^>]+class="error"[^>]*>([\s\S]*?)<\//i.exec(html) ?? /<p>([\s\S]*?)<\/p>/i.exec(html);
  const t = m ? decodeEntities(m[1]!.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim() : '';
  return t ? ` — ${t.slice(0, 200)}` : '';
}
