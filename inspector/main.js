// The inspector: tabs of lists, one order's view, the live messages; all kept current from the
// journal's event stream (GET /control/events): each event marks the rows it is about, and at most
// every FLUSH_MS those rows (or, past a few dozen, whole lists) are fetched again.
import { auth, follow, get, setToken, token } from './api.js';
import { mountResults, setVocabulary, worldPanel } from './actions.js';
import { $, clear, h, setCurrencies, time } from './dom.js';
import { orderView } from './detail.js';
import { TABS, listView, loadList, store, upsert } from './lists.js';
import { entryDetail, entryLine, setCodeMeanings } from './messages.js';

const FLUSH_MS = 250;
const MESSAGES_KEPT = 2000;
const MESSAGES_SHOWN = 300;

const view = $('#view');
const side = $('#side');
const nav = $('#tabs');
const liveEl = $('#live');
const clockEl = $('#clock');
const tokenBox = $('#token-box');

const lists = {};
let current; // { kind: 'list', name } | { kind: 'order', view }
let stopFollowing = () => {};
const messages = [];
let messagesView;

// ── token ──
auth.onRequired = (reason) => {
  if (tokenBox.dataset.open === '1') return;
  tokenBox.dataset.open = '1';
  const input = h('input', { type: 'password', autocomplete: 'off', 'aria-label': 'control token', 'data-testid': 'token-input', placeholder: 'control token' });
  const f = h(
    'form',
    { class: 'token-form', 'data-testid': 'token-form' },
    h('p', {}, token() ? 'The control token was refused. ' : 'This sandbox needs its control token (start printed it, or controlToken in its configuration). ', h('span', { class: 'note' }, reason ?? '')),
    input,
    h('button', { type: 'submit' }, 'Use'),
  );
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setToken(input.value.trim());
    tokenBox.dataset.open = '';
    clear(tokenBox);
    start();
  });
  clear(tokenBox).append(f);
  liveEl.textContent = 'token needed';
  liveEl.className = 'live bad';
  if (!current) clear(view).append(h('p', { class: 'note' }, 'The lists appear once the sandbox has its token.'));
  input.focus();
};

// ── live ──
const dirty = { orders: new Set(), contracts: false, all: false };
let flushTimer;
let flushing = false;
let lastFull = 0;
const FULL_EVERY_MS = 3000;

function mark(e) {
  if (e.orderId) dirty.orders.add(e.orderId);
  if (e.channel === 'signing' || e.msgType === 'SIGN_AUTO_DEBIT_NOTICE' || e.msgType === 'CLOSE_AUTO_DEBIT') dirty.contracts = true;
  schedule();
}

function schedule() {
  if (!flushTimer) flushTimer = setTimeout(flush, FLUSH_MS);
}

async function flush() {
  if (flushing) {
    flushTimer = setTimeout(flush, FLUSH_MS);
    return;
  }
  flushTimer = undefined;
  // whole lists again at most every FULL_EVERY_MS, however busy the sandbox is
  const full = dirty.all || dirty.orders.size > 40;
  const wait = lastFull + FULL_EVERY_MS - Date.now();
  if (full && wait > 0) {
    flushTimer = setTimeout(flush, wait);
    return;
  }
  flushing = true;
  const ids = [...dirty.orders];
  const all = dirty.all;
  const contracts = dirty.contracts;
  dirty.orders.clear();
  dirty.all = dirty.contracts = false;
  try {
    const work = [];
    if (all || ids.length > 40) {
      lastFull = Date.now();
      work.push(loadList('orders', refreshList));
      if (store.state.notices.loaded || store.state.notices.loading) work.push(loadList('notices', refreshList));
    } else {
      for (const id of ids) {
        work.push(
          get(`/orders/${encodeURIComponent(id)}`).then((r) => {
            if (r.status === 200) {
              const { paymentUrl, signUrl, expiresAt, ...o } = r.json;
              upsert('orders', o);
            }
          }),
        );
        if (store.state.notices.loaded) {
          work.push(get(`/notices?orderId=${encodeURIComponent(id)}`).then((r) => Array.isArray(r.json) && r.json.forEach((n) => upsert('notices', n))));
        }
      }
    }
    if (all || contracts) work.push(loadList('contracts', refreshList));
    await Promise.all(work);
  } finally {
    flushing = false;
  }
  refreshList();
  refreshClock();
}

let clockBusy = false;
async function refreshClock() {
  if (clockBusy) return;
  clockBusy = true;
  try {
    const r = await get('/status');
    if (r.status === 200) {
      const c = r.json.clock;
      clockEl.textContent = `${time(c.now)} UTC · ${c.timeScale === 0 ? 'manual clock' : `clock ×${c.timeScale}`}${c.held ? ' (held by a run)' : ''}`;
      clockEl.title = `the sandbox clock; ${r.json.orders} orders held`;
    }
  } finally {
    clockBusy = false;
  }
}

function onEntry(e) {
  messages.push(e);
  if (messages.length > MESSAGES_KEPT) messages.splice(0, messages.length - MESSAGES_KEPT);
  mark(e);
  if (current?.kind === 'order') current.view.onEntry(e);
  if (current?.kind === 'messages') messagesView.later();
}

function onReset() {
  messages.length = 0;
  store.orders = new Map();
  store.notices = new Map();
  store.contracts = new Map();
  dirty.all = true;
  schedule();
  if (current?.kind === 'order') current.view.reload();
  if (current?.kind === 'messages') messagesView.later();
}

function refreshList() {
  if (current?.kind === 'list') lists[current.name].refresh();
  for (const [name, t] of Object.entries(TABS)) {
    const n = t.rows().length;
    const b = nav.querySelector(`[data-tab="${name}"] .n`);
    if (b) b.textContent = store.state[t.list]?.loaded || n ? ` ${n.toLocaleString('en')}` : '';
  }
}

// ── the Messages tab ──
function messagesTab() {
  const search = h('input', { type: 'search', placeholder: 'Filter: type, order, channel, reason…', 'aria-label': 'filter messages', 'data-testid': 'msg-filter' });
  const list = h('div', { class: 'msg-list', 'data-testid': 'msg-list' });
  const pane = h('div', { class: 'entry-pane' }, h('p', { class: 'note' }, 'Every message in and out, newest first. Click one to see it whole.'));
  const el = h('section', { class: 'messages' }, h('div', { class: 'filters' }, search), h('div', { class: 'split' }, list, pane));
  let timer;
  const render = () => {
    timer = undefined;
    const q = search.value.trim().toLowerCase();
    const out = [];
    for (let i = messages.length - 1; i >= 0 && out.length < MESSAGES_SHOWN; i--) {
      const e = messages[i];
      if (q && !`${e.msgType ?? ''} ${e.orderId ?? ''} ${e.channel} ${e.note ?? ''} ${e.responseCode ?? ''} #${e.seq}`.toLowerCase().includes(q)) continue;
      out.push(entryLine(e, (x) => clear(pane).append(entryDetail(x))));
    }
    clear(list).append(...out);
    if (!out.length) list.append(h('p', { class: 'note' }, 'no messages yet'));
  };
  search.addEventListener('input', render);
  return { el, render, later: () => (timer ??= setTimeout(render, FLUSH_MS)) };
}

// ── routing ──
function route() {
  let hash;
  try {
    hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  } catch {
    hash = '';
  }
  if (current?.kind === 'order') current.view.dispose();
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.tab === hash || (!hash && a.dataset.tab === 'payments'));
  if (hash.startsWith('order/')) {
    const v = orderView(hash.slice(6), (to) => (location.hash = to));
    current = { kind: 'order', view: v };
    clear(view).append(v.el);
    return;
  }
  if (hash === 'messages') {
    messagesView ??= messagesTab();
    current = { kind: 'messages' };
    clear(view).append(messagesView.el);
    messagesView.render();
    return;
  }
  const name = TABS[hash] ? hash : 'payments';
  if (name === 'notices' && !store.state.notices.loaded && !store.state.notices.loading) loadList('notices', refreshList);
  lists[name] ??= listView(name, (to) => (location.hash = to));
  current = { kind: 'list', name };
  clear(view).append(lists[name].el);
  lists[name].refresh();
}

// ── start ──
async function start() {
  stopFollowing();
  const status = await get('/status');
  if (status.status !== 200) {
    if (status.status !== 401) liveEl.textContent = status.json?.error ?? 'the sandbox did not answer';
    // the admin token of a sandbox shared by several partners: pick one (the page's ?partner=)
    if (status.status === 400 && Array.isArray(status.json?.partners)) {
      liveEl.textContent = 'choose a partner';
      const pick = h('ul', { 'data-testid': 'partners' });
      for (const p of status.json.partners) {
        const a = h('a', { href: `?partner=${encodeURIComponent(String(p.insID))}` }, String(p.insID));
        pick.append(h('li', {}, a, ` — merId ${String(p.merId)}, ${String(p.industryCode)}, ${String(p.orders)} orders`));
      }
      clear(view).append(h('h2', {}, 'Several partners share this sandbox: choose one'), pick);
    }
    return;
  }
  // whose sandbox this is, when several partners share it (the page's ?partner=)
  if (new URLSearchParams(location.search).has('partner') && status.json.partner) {
    $('.brand span').textContent = `inspector · partner ${String(status.json.partner.insID)}`;
  }
  const j = await get('/journal?limit=200');
  messages.splice(0, messages.length, ...(j.json?.entries ?? []));
  stopFollowing = follow(status.json.journal.lastSeq, {
    entry: onEntry,
    reset: onReset,
    gap: () => {
      dirty.all = true;
      schedule();
    },
    state: (st, again) => {
      liveEl.textContent = st === 'live' ? 'live' : st === 'ended' ? 'sandbox closed' : st === 'token' ? 'token needed' : 'reconnecting…';
      liveEl.className = `live ${st === 'live' ? 'ok' : 'bad'}`;
      liveEl.dataset.state = st;
      if (st === 'live' && again) {
        dirty.all = true;
        schedule();
      }
    },
  });
  refreshClock();
  route();
  await Promise.all([loadList('orders', refreshList), loadList('contracts', refreshList)]);
  refreshList();
}

async function boot() {
  const v = await fetch('vocabulary.json', { cache: 'no-store' }).then((r) => r.json());
  setVocabulary(v);
  setCurrencies(v.currencies);
  setCodeMeanings(v.responseCodes);
  for (const [name, t] of Object.entries(TABS)) nav.append(h('a', { href: `#${name}`, 'data-tab': name, 'data-testid': `tab-${name}` }, t.title, h('span', { class: 'n' })));
  nav.append(h('a', { href: '#messages', 'data-tab': 'messages', 'data-testid': 'tab-messages' }, 'Messages'));
  const results = h('ol', { class: 'results', 'data-testid': 'results', 'aria-live': 'polite' });
  side.append(h('h2', {}, 'Results'), results, h('h2', {}, 'Sandbox'), worldPanel(onReset));
  mountResults(results);
  window.addEventListener('hashchange', route);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && refreshClock());
  setInterval(() => document.visibilityState === 'visible' && refreshClock(), 5000);
  await start();
  document.body.dataset.ready = '1';
}

boot();
