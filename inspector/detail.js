// One order (payment, refund or cancellation, signing request): what UCSP holds, what can be done
// to it, its notices, and the sequence diagram of every message about it (its refunds' included),
// each arrow opening the message whole.
import { act, noticeFaultForm, vocabulary } from './actions.js';
import { get } from './api.js';
import { amount, badge, clear, h, statusClass, time } from './dom.js';
import { renderDiagram } from './diagram.js';
import { entryDetail } from './messages.js';
import { attemptsText, store } from './lists.js';

const DIAGRAM_MAX = 400;

export function orderView(orderId, go) {
  const el = h('section', { class: 'order-view', 'data-testid': 'order-view', 'data-order': orderId });
  let order;
  let notices = [];
  let entries = [];
  let selected;
  let related = [];
  let loading = false;
  let again = false;

  const head = h('div', { class: 'order-head' });
  const actionsEl = h('div', { class: 'order-actions' });
  const noticesEl = h('div', { class: 'notices' });
  const diagramEl = h('div', { class: 'diagram-wrap' });
  const entryEl = h('div', { class: 'entry-pane', 'data-testid': 'entry-pane' }, h('p', { class: 'note' }, 'Click an arrow to see the message: raw and parsed bodies, signature verdict, code and reason.'));
  el.append(
    h('p', { class: 'back no-print' }, h('a', { href: '#', 'data-testid': 'back' }, '← all lists')),
    head,
    actionsEl,
    h('h2', {}, 'Notices'),
    noticesEl,
    h('h2', {}, 'Sequence diagram'),
    h('div', { class: 'split' }, diagramEl, entryEl),
  );

  const load = async () => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      do {
        again = false;
        const o = await get(`/orders/${encodeURIComponent(orderId)}`);
        if (o.status !== 200) {
          clear(head).append(h('h1', {}, orderId), h('p', { class: 'reason' }, o.json?.error ?? `HTTP ${o.status}`));
          return;
        }
        order = o.json;
        related = order.kind === 'PAY' ? [...store.orders.values()].filter((x) => x.origOrderId === orderId).map((x) => x.orderId) : [];
        const ids = [orderId, ...related];
        const [n, ...journals] = await Promise.all([get(`/notices?orderId=${encodeURIComponent(orderId)}`), ...ids.map((id) => get(`/journal?orderId=${encodeURIComponent(id)}`))]);
        notices = Array.isArray(n.json) ? n.json : [];
        const bySeq = new Map();
        for (const j of journals) for (const e of j.json?.entries ?? []) bySeq.set(e.seq, e);
        entries = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
        render();
      } while (again);
    } finally {
      loading = false;
    }
  };

  const render = () => {
    renderHead();
    renderActions();
    renderNotices();
    renderDiagramPane();
  };

  function renderHead() {
    const o = order;
    const kind = o.kind === 'PAY' ? (o.source === 'auto-debit' ? 'Auto-debit payment' : 'Payment') : o.kind === 'REFUND' ? 'Refund' : o.kind === 'CANCEL' ? 'Cancellation' : 'Auto-debit signing';
    const rows = [
      ['Status', badge(o.status, statusClass(o.status), { 'data-testid': 'order-status' })],
      ['Amount', o.txnAmt !== undefined ? amount(o.txnAmt, o.currencyCode) : undefined],
      ['User', o.userId],
      ['Original payment', o.origOrderId ? h('a', { href: `#order/${o.origOrderId}` }, o.origOrderId) : undefined],
      ['Refunds and cancellations', related.length ? related.map((id, i) => [i ? ', ' : '', h('a', { href: `#order/${id}` }, id)]) : undefined],
      ['Refunded', o.refundedAmt ? amount(o.refundedAmt, o.currencyCode) : undefined],
      ['tn', o.tn],
      ['queryId', o.queryId],
      ['Card', o.card],
      ['Contract', o.contractId],
      ['txnTime', o.txnTime],
      ['Description', o.orderDesc],
      ['Created (sandbox clock)', time(o.createdAt)],
      ['Final', o.finalAt !== undefined ? time(o.finalAt) : undefined],
      ['Expires unpaid at', o.expiresAt !== undefined ? time(o.expiresAt) : undefined],
      ['backUrl', o.backUrl],
      ['frontUrl', o.frontUrl],
      ['paymentUrl', o.paymentUrl ? h('a', { href: o.paymentUrl, target: '_blank', rel: 'noopener noreferrer' }, o.paymentUrl) : undefined],
      ['signUrl', o.signUrl ? h('a', { href: o.signUrl, target: '_blank', rel: 'noopener noreferrer' }, o.signUrl) : undefined],
    ].filter(([, v]) => v !== undefined && v !== '');
    clear(head).append(h('h1', {}, `${kind} `, h('span', { class: 'mono' }, o.orderId)), h('table', { class: 'kv' }, rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))));
  }

  function renderActions() {
    const o = order;
    const v = vocabulary();
    const parts = [];
    const after = () => load();
    if (o.kind === 'PAY' && o.source === 'frontend' && o.status === 'AWAITING_USER') {
      const card = h('select', { 'aria-label': 'card', 'data-testid': 'card' }, (v.testCards ?? []).map((c) => h('option', { value: c.pan }, `${c.pan.slice(0, 4)} … ${c.pan.slice(-4)}: ${c.label}`)));
      parts.push(
        h('div', { class: 'act' }, h('h3', {}, 'The user'),
          card,
          h('button', { type: 'button', 'data-testid': 'pay', on: { click: () => act(`pay ${o.orderId}`, '/pay', { orderId: o.orderId, card: card.value }).then(after) } }, 'Pay with this card'),
          h('button', { type: 'button', class: 'secondary', 'data-testid': 'abandon', on: { click: () => act(`abandon ${o.orderId}`, '/abandon', { orderId: o.orderId }).then(after) } }, 'Abandon'),
        ),
      );
    }
    if (o.kind === 'SIGN' && o.status === 'AWAITING_USER') {
      parts.push(
        h('div', { class: 'act' }, h('h3', {}, 'The user'),
          h('button', { type: 'button', 'data-testid': 'agree', on: { click: () => act(`agree to ${o.orderId}`, '/sign', { orderId: o.orderId, decision: 'agree' }).then(after) } }, 'Agree to auto-debit'),
          h('button', { type: 'button', class: 'secondary', 'data-testid': 'refuse', on: { click: () => act(`refuse ${o.orderId}`, '/sign', { orderId: o.orderId, decision: 'refuse' }).then(after) } }, 'Refuse'),
        ),
      );
    }
    // a fault for the notice still to come (an order that is not final yet)
    if (o.status === 'AWAITING_USER' || o.status === 'PROCESSING') parts.push(noticeFaultForm(o.orderId));
    clear(actionsEl).append(...parts);
  }

  function renderNotices() {
    const v = vocabulary();
    clear(noticesEl);
    if (!notices.length) {
      noticesEl.append(h('p', { class: 'note' }, 'No notice for this order (yet).'));
      return;
    }
    for (const n of notices) {
      const tamper = h('select', { 'aria-label': 'tamper' }, (v.tampers ?? []).map((t) => h('option', { value: t }, t)));
      const ms = h('input', { type: 'number', min: 0, value: 30000, 'aria-label': 'delay ms' });
      const send = (label, body) => act(`${label} ${n.id}`, `/notices/${encodeURIComponent(n.id)}/send`, body).then(() => load());
      const simple = (label, verb, body) => act(`${label} ${n.id}`, `/notices/${encodeURIComponent(n.id)}/${verb}`, body).then(() => load());
      const open = n.status === 'PENDING' || n.status === 'HELD';
      noticesEl.append(
        h(
          'div',
          { class: 'notice', 'data-testid': `notice-${n.id}` },
          h('div', { class: 'notice-head' }, h('span', { class: 'mono' }, n.id), ' ', n.msgType, ' ', badge(n.status, statusClass(n.status), { 'data-testid': 'notice-status' }), ' ', h('span', { class: 'note' }, `attempts: ${attemptsText(n)}`)),
          h(
            'ol',
            { class: 'attempts' },
            (n.attempts ?? []).map((a) =>
              h('li', { class: a.ok ? 'ok' : 'bad' }, `${time(a.at)} ${a.kind}${a.tamper ? ` (${a.tamper})` : ''}: ${a.responseCode ?? (a.httpStatus ? `HTTP ${a.httpStatus}` : 'no answer')}${a.ok ? ' delivered' : ''}${a.problem ? ` — ${a.problem}` : ''}`),
            ),
          ),
          h(
            'div',
            { class: 'buttons no-print' },
            h('button', { type: 'button', 'data-testid': 'resend', on: { click: () => send('re-send', {}) } }, 'Re-send'),
            h('span', { class: 'group' }, tamper, h('button', { type: 'button', 'data-testid': 'send-tampered', on: { click: () => send(`send tampered (${tamper.value})`, { tamper: tamper.value }) } }, 'Send tampered')),
            h('button', { type: 'button', 'data-testid': 'send-conflicting', on: { click: () => send('send a conflicting copy', { result: n.text && /"responseCode":"00"/.test(n.text) ? '01' : '00' }) } }, 'Send conflicting'),
            open ? h('button', { type: 'button', 'data-testid': 'drop', on: { click: () => simple('drop', 'drop', {}) } }, 'Drop') : null,
            n.status === 'HELD' ? h('button', { type: 'button', 'data-testid': 'release', on: { click: () => simple('release', 'release', {}) } }, 'Release') : null,
            open ? h('span', { class: 'group' }, ms, h('button', { type: 'button', 'data-testid': 'delay', on: { click: () => simple('delay', 'delay', { ms: Number(ms.value) }) } }, 'Delay')) : null,
          ),
        ),
      );
    }
  }

  function renderDiagramPane() {
    const shown = entries.length > DIAGRAM_MAX ? entries.slice(-DIAGRAM_MAX) : entries;
    const pick = (e) => {
      selected = e.seq;
      clear(entryEl).append(entryDetail(e));
      for (const g of diagramEl.querySelectorAll('.arrow.selected')) g.classList.remove('selected');
      diagramEl.querySelector(`[data-seq="${e.seq}"]`)?.classList.add('selected');
    };
    clear(diagramEl);
    if (entries.length > DIAGRAM_MAX) diagramEl.append(h('p', { class: 'note' }, `the last ${DIAGRAM_MAX} of ${entries.length} messages`));
    diagramEl.append(renderDiagram(shown, pick, selected));
    const still = entries.find((e) => e.seq === selected);
    if (still) clear(entryEl).append(entryDetail(still));
  }

  load();
  return {
    el,
    orderId,
    /** A journal entry arrived: refetch when it is about this order or one of its refunds. */
    onEntry(e) {
      if (e.orderId === orderId || related.includes(e.orderId) || (order?.kind === 'PAY' && e.orderId && store.orders.get(e.orderId)?.origOrderId === orderId)) load();
    },
    reload: load,
    dispose() {},
    // for the back link
    go,
  };
}
