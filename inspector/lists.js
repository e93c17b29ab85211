// The lists: what the control API holds (orders of every kind, contracts, notices), loaded a page at
// a time (?limit&cursor), kept by id, shown newest first in a virtualised table (only the rows on
// screen exist in the page, so 10,000 orders scroll and filter as fast as 10).
import { pages } from './api.js';
import { amount, badge, clear, h, statusClass, time } from './dom.js';

/** Everything loaded, by id, in the order the sandbox listed (then learnt) it. */
export const store = {
  orders: new Map(),
  notices: new Map(),
  contracts: new Map(),
  /** What each list's last load said: loaded, capped (more than MAX exist), an error. */
  state: { orders: {}, notices: {}, contracts: {} },
};

export const MAX_ITEMS = 50_000;

/** Loads a whole list again, a page at a time; `onProgress` after each page. */
export async function loadList(name, onProgress) {
  const fresh = new Map();
  const key = name === 'contracts' ? 'contractId' : name === 'notices' ? 'id' : 'orderId';
  const st = { loading: true };
  store.state[name] = st;
  const r = await pages(`/${name}`, (items) => {
    for (const it of items) fresh.set(it[key], it);
    st.count = fresh.size;
    onProgress?.();
  }, { max: MAX_ITEMS, signal: () => ({ stop: store.state[name] !== st }) });
  if (store.state[name] !== st) return; // a newer load took over
  if (r.status === 200) {
    // what was learnt while the pages came (an event's row, fetched on its own) is at least as new
    for (const [k, v] of st.upserted ?? []) fresh.set(k, v);
    store[name] = fresh;
  }
  store.state[name] = { loaded: r.status === 200, capped: r.capped === true, ...(r.status !== 200 ? { error: r.error ?? `HTTP ${r.status}` } : {}) };
  onProgress?.();
}

export function upsert(name, item) {
  const key = name === 'contracts' ? item.contractId : name === 'notices' ? item.id : item.orderId;
  store[name].set(key, item);
  const st = store.state[name];
  if (st?.loading) (st.upserted ??= new Map()).set(key, item);
}

const cell = (text, cls) => h('span', { role: 'cell', class: cls ?? '' }, text ?? '');
const statusCell = (st) => h('span', { role: 'cell', class: 'status-cell', 'data-testid': 'status' }, badge(st ?? '', statusClass(st)));

/** The tabs of lists: where their rows come from, their columns, what a row opens. */
export const TABS = {
  payments: {
    title: 'Payments',
    list: 'orders',
    rows: () => [...store.orders.values()].filter((o) => o.kind === 'PAY'),
    id: (o) => o.orderId,
    open: (o) => `order/${o.orderId}`,
    widths: '2fr .8fr 1fr .8fr 1fr .8fr 1.3fr',
    columns: [
      ['Order', (o) => cell(o.orderId, 'mono')],
      ['Source', (o) => cell(o.source)],
      ['Amount', (o) => cell(amount(o.txnAmt, o.currencyCode), 'num')],
      ['User', (o) => cell(o.userId)],
      ['Status', (o) => statusCell(o.status)],
      ['Refunded', (o) => cell(o.cancelled ? 'cancelled' : o.refundedAmt ? amount(o.refundedAmt, o.currencyCode) : o.reservedAmt ? 'in progress' : '')],
      ['Created', (o) => cell(time(o.createdAt))],
    ],
    text: (o) => `${o.orderId} ${o.tn} ${o.userId} ${o.status} ${o.source} ${o.queryId ?? ''} ${o.contractId ?? ''}`,
  },
  refunds: {
    title: 'Refunds & cancellations',
    list: 'orders',
    rows: () => [...store.orders.values()].filter((o) => o.kind === 'REFUND' || o.kind === 'CANCEL'),
    id: (o) => o.orderId,
    open: (o) => `order/${o.orderId}`,
    widths: '2fr .9fr 2fr 1fr 1fr 1.3fr',
    columns: [
      ['Order', (o) => cell(o.orderId, 'mono')],
      ['Kind', (o) => cell(o.kind === 'CANCEL' ? 'cancellation' : 'refund')],
      ['Of payment', (o) => cell(o.origOrderId, 'mono')],
      ['Amount', (o) => cell(amount(o.txnAmt, o.currencyCode), 'num')],
      ['Status', (o) => statusCell(o.status)],
      ['Created', (o) => cell(time(o.createdAt))],
    ],
    text: (o) => `${o.orderId} ${o.origOrderId} ${o.origQryId} ${o.status} ${o.kind} ${o.queryId ?? ''}`,
  },
  signings: {
    title: 'Signings',
    list: 'orders',
    rows: () => [...store.orders.values()].filter((o) => o.kind === 'SIGN'),
    id: (o) => o.orderId,
    open: (o) => `order/${o.orderId}`,
    widths: '2fr .8fr 1fr 2fr 1.3fr',
    columns: [
      ['Signing request', (o) => cell(o.orderId, 'mono')],
      ['User', (o) => cell(o.userId)],
      ['Status', (o) => statusCell(o.status)],
      ['Contract', (o) => cell(o.contractId, 'mono')],
      ['Created', (o) => cell(time(o.createdAt))],
    ],
    text: (o) => `${o.orderId} ${o.userId} ${o.status} ${o.contractId ?? ''}`,
  },
  contracts: {
    title: 'Contracts',
    list: 'contracts',
    rows: () => [...store.contracts.values()],
    id: (c) => c.contractId,
    open: (c) => `order/${c.signOrderId}`,
    widths: '2fr .8fr 1fr 2fr 1.3fr',
    columns: [
      ['Contract', (c) => cell(c.contractId, 'mono')],
      ['User', (c) => cell(c.userId)],
      ['Status', (c) => statusCell(c.status)],
      ['Signing request', (c) => cell(c.signOrderId, 'mono')],
      ['Created', (c) => cell(time(c.createdAt))],
    ],
    text: (c) => `${c.contractId} ${c.userId} ${c.status} ${c.signOrderId} ${c.merId}`,
  },
  notices: {
    title: 'Notices',
    list: 'notices',
    rows: () => [...store.notices.values()],
    id: (n) => n.id,
    open: (n) => `order/${n.orderId}`,
    widths: '1fr 1.7fr 2fr 1fr 2fr 1.3fr',
    columns: [
      ['Notice', (n) => cell(n.id, 'mono')],
      ['Type', (n) => cell(n.msgType)],
      ['Order', (n) => cell(n.orderId, 'mono')],
      ['Status', (n) => statusCell(n.status)],
      ['Attempts', (n) => cell(attemptsText(n))],
      ['Next attempt', (n) => cell(n.nextAt !== undefined ? time(n.nextAt) : '')],
    ],
    text: (n) => `${n.id} ${n.msgType} ${n.orderId} ${n.status} ${n.msgID}`,
  },
};

export function attemptsText(n) {
  const a = n.attempts ?? [];
  if (!a.length) return 'none yet';
  const last = a[a.length - 1];
  return `${a.length}; last ${last.responseCode ?? (last.httpStatus ? `HTTP ${last.httpStatus}` : 'no answer')}${last.ok ? '' : ` — ${last.problem ?? 'failed'}`}`;
}

const ROW_H = 30;
const OVERSCAN = 12;

/**
 * A list tab: filter bar, virtualised table, a count. `go(hash)` opens a row. Returns
 * { el, refresh() } — refresh after the store changed (it keeps the scroll position).
 */
export function listView(tabName, go) {
  const tab = TABS[tabName];
  let all = [];
  let rows = [];
  const search = h('input', { type: 'search', placeholder: 'Filter: order, tn, user, status…', 'aria-label': 'filter', 'data-testid': 'filter' });
  const statusSel = h('select', { 'aria-label': 'status', 'data-testid': 'status-filter' }, h('option', { value: '' }, 'any status'));
  const count = h('span', { class: 'count', 'data-testid': 'count' });
  const head = h('div', { class: 'vt-head', role: 'row' }, tab.columns.map(([t]) => h('span', { role: 'columnheader' }, t)));
  const spacer = h('div', { class: 'vt-body', role: 'rowgroup' });
  const scroller = h('div', { class: 'vt', role: 'table', 'aria-label': tab.title, 'data-testid': `table-${tabName}` }, head, spacer);
  const printTable = h('table', { class: 'print-only' });
  const el = h('section', { class: 'list', 'data-tab': tabName }, h('div', { class: 'filters' }, search, statusSel, count), scroller, printTable);
  scroller.style.setProperty('--cols', tab.widths);

  const filter = () => {
    const q = search.value.trim().toLowerCase();
    const st = statusSel.value;
    rows = [];
    // newest first
    for (let i = all.length - 1; i >= 0; i--) {
      const o = all[i];
      if (st && o.status !== st) continue;
      if (q && !tab.text(o).toLowerCase().includes(q)) continue;
      rows.push(o);
    }
    const state = store.state[tab.list] ?? {};
    count.textContent = `${rows.length.toLocaleString('en')} of ${all.length.toLocaleString('en')}${state.loading ? ` — loading… ${(state.count ?? 0).toLocaleString('en')}` : ''}${state.capped ? ` (the first ${MAX_ITEMS.toLocaleString('en')} the sandbox holds)` : ''}${state.error ? ` — ${state.error}` : ''}`;
    spacer.style.height = `${rows.length * ROW_H}px`;
    draw(true);
  };

  let drawn = '';
  const draw = (force) => {
    const top = scroller.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((top + scroller.clientHeight) / ROW_H) + OVERSCAN);
    const key = `${first}:${last}`;
    if (!force && key === drawn) return;
    drawn = key;
    clear(spacer);
    for (let i = first; i < last; i++) {
      const o = rows[i];
      const id = tab.id(o);
      const row = h(
        'div',
        {
          class: 'vt-row',
          role: 'row',
          tabindex: 0,
          'data-id': id,
          'data-testid': `row-${id}`,
          on: { click: () => go(tab.open(o)), keydown: (ev) => ev.key === 'Enter' && go(tab.open(o)) },
        },
        tab.columns.map(([, f]) => f(o)),
      );
      row.style.top = `${i * ROW_H}px`;
      spacer.append(row);
    }
    if (!rows.length) spacer.append(h('div', { class: 'empty' }, all.length ? 'nothing matches the filter' : store.state[tab.list]?.loading ? 'loading…' : 'nothing yet'));
  };
  let pending = false;
  scroller.addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw(false);
    });
  });
  search.addEventListener('input', filter);
  statusSel.addEventListener('change', filter);

  // printed: the rows matching the filter (at most 2,000) as a plain table, made when printing starts
  const forPrint = () => {
    if (!el.isConnected) return;
    clear(printTable).append(
      h('thead', {}, h('tr', {}, tab.columns.map(([t]) => h('th', {}, t)))),
      h('tbody', {}, rows.slice(0, 2000).map((o) => h('tr', {}, tab.columns.map(([, f]) => h('td', {}, f(o).textContent))))),
    );
  };
  window.addEventListener('beforeprint', forPrint);
  matchMedia('print').addEventListener('change', (m) => m.matches && forPrint());

  const refresh = () => {
    all = tab.rows();
    const statuses = [...new Set(all.map((o) => o.status))].sort();
    const have = [...statusSel.options].map((o) => o.value).filter(Boolean);
    if (statuses.join() !== have.join()) {
      const keep = statusSel.value;
      clear(statusSel).append(h('option', { value: '' }, 'any status'), statuses.map((st) => h('option', { value: st }, st)));
      statusSel.value = statuses.includes(keep) ? keep : '';
    }
    filter();
  };
  return { el, refresh, focus: () => search.focus() };
}
