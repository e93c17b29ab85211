// The control API from the page: JSON calls with the control token (when the sandbox has one) in
// the Authorization header, and the journal's event stream read with fetch() — an EventSource
// cannot send that header. The token is pasted once and kept in sessionStorage (this tab only);
// it is never put in a URL or a cookie.

const TOKEN_KEY = 'ucsp-inspector-token';
const base = new URL('../control', location.href).pathname;

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// A sandbox shared by several partners: the admin token names the partner in the page's own URL
// (/inspector/?partner=<insID>); a partner's token needs none.
const partner = new URLSearchParams(location.search).get('partner');

function headers(json) {
  const hd = {};
  if (json) hd['Content-Type'] = 'application/json';
  const t = token();
  if (t) hd.Authorization = `Bearer ${t}`;
  if (partner && /^[0-9]{8}$/.test(partner)) hd['X-UCSP-Partner'] = partner;
  return hd;
}

/** Told when the control API answers 401: the page asks for the token. */
export const auth = { onRequired: () => {} };

/**
 * One control call: { status, json, next } (next: the X-Next-Cursor of a page). Never throws for
 * an HTTP error; a network failure is status 0 with the reason.
 */
export async function call(method, path, body) {
  let res;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: headers(body !== undefined),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    return { status: 0, json: { error: `the sandbox did not answer: ${e.message}` } };
  }
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = { error: text.slice(0, 500) };
  }
  if (res.status === 401) auth.onRequired(json?.error);
  return { status: res.status, json, next: res.headers.get('x-next-cursor') ?? undefined };
}

export const get = (path) => call('GET', path);
export const post = (path, body = {}) => call('POST', path, body);

/**
 * Every item of a paged list, a page at a time (`?limit&cursor`), calling `onPage(items)` as each
 * arrives. Stops at `max` items or when `signal().stop` is set. Resolves to { status, complete }.
 */
export async function pages(path, onPage, { limit = 1000, max = 50_000, signal = () => ({}) } = {}) {
  let cursor;
  let n = 0;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (r.status !== 200 || !Array.isArray(r.json)) return { status: r.status, complete: false, error: r.json?.error };
    if (signal().stop) return { status: 200, complete: false };
    onPage(r.json);
    n += r.json.length;
    if (!r.next) return { status: 200, complete: true };
    if (n >= max) return { status: 200, complete: false, capped: true };
    cursor = r.next;
  }
}

/**
 * Follows GET /control/events from `since`: calls on.entry(entry), on.reset(), on.gap(), and
 * on.state('live' | 'reconnecting' | 'token' | 'ended', again) (again: a reconnection, when
 * something may have been missed that the journal no longer holds). Reconnects after a second with the last seq seen
 * (the server replays what was missed, or says `gap`). Returns a function that stops it.
 */
export function follow(since, on) {
  let last = since;
  let stopped = false;
  let controller;
  let retry;
  let connections = 0;
  const run = async () => {
    if (stopped) return;
    controller = new AbortController();
    try {
      const res = await fetch(`${base}/events?since=${last}`, { headers: { ...headers(false), Accept: 'text/event-stream' }, signal: controller.signal, cache: 'no-store', credentials: 'omit' });
      if (res.status === 401) {
        on.state('token');
        auth.onRequired();
        return;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      on.state('live', connections++ > 0);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let cut;
        while ((cut = buf.indexOf('\n\n')) !== -1) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          dispatch(block);
        }
      }
    } catch (e) {
      if (stopped || e.name === 'AbortError') return;
    }
    if (stopped) return;
    on.state('reconnecting');
    retry = setTimeout(run, 1000);
  };
  const dispatch = (block) => {
    let event = 'message';
    let data = '';
    let id;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i === -1 ? line : line.slice(0, i);
      const value = i === -1 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data += (data ? '\n' : '') + value;
      else if (field === 'id') id = value;
    }
    let parsed;
    try {
      parsed = data ? JSON.parse(data) : undefined;
    } catch {
      return;
    }
    if (event === 'entry' && parsed) {
      if (id !== undefined && /^[0-9]+$/.test(id)) last = Number(id);
      on.entry(parsed);
    } else if (event === 'reset') {
      on.reset();
    } else if (event === 'gap') on.gap(parsed);
    else if (event === 'end') on.state('ended');
  };
  run();
  return () => {
    stopped = true;
    clearTimeout(retry);
    controller?.abort();
  };
}
