// The sequence diagram of an order: one lane per party, one arrow per journal entry, in order.
// Drawn as SVG built through the DOM (labels are text nodes: journal bodies are hostile input).
import { clockTime, s } from './dom.js';

// in this order every kind of arrow joins neighbours; Partner ↔ UCSP, the busiest, gets the most room
export const LANES = [
  { id: 'partner', title: 'Partner', x: 60 },
  { id: 'ucsp', title: 'UCSP', x: 250 },
  { id: 'issuer', title: 'Issuer', x: 365 },
  { id: 'channel', title: 'Channel app', x: 480 },
  { id: 'browser', title: 'Browser', x: 595 },
];

const cut = (t, n) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);

/** Who sent an entry to whom, and what to write on its arrow. */
export function arrowOf(e) {
  const p = e.parsed && typeof e.parsed === 'object' ? e.parsed : {};
  const type = e.msgType ?? '';
  const inbound = e.direction === 'in';
  switch (e.channel) {
    case 'api':
      return inbound
        ? { from: 'partner', to: 'ucsp', label: type || 'request (not readable)' }
        : { from: 'ucsp', to: 'partner', label: `answer ${e.responseCode ?? '?'}${e.corrupted ? ' (corrupted)' : ''}`, answer: true };
    case 'notice':
      return inbound
        ? { from: 'partner', to: 'ucsp', label: `answer ${e.responseCode ?? (e.httpStatus ? `HTTP ${e.httpStatus}` : 'none')}`, answer: true }
        : { from: 'ucsp', to: 'partner', label: `${type}${e.note ? ` (${e.note.startsWith('tampered') ? 'tampered' : e.note.startsWith('extra') ? 'copy' : 'note'})` : ''}` };
    case 'login':
      return { from: 'ucsp', to: 'partner', label: `${type || 'login hand-off'} (via the browser)` };
    case 'cashier':
      if ('expired' in p) return { from: 'ucsp', to: 'ucsp', label: 'expired unpaid' };
      if ('abandon' in p) return { from: 'browser', to: 'channel', label: 'abandons' };
      return { from: 'browser', to: 'channel', label: `pays${p.behaviour ? ` (${p.behaviour})` : ''}` };
    case 'signing':
      return { from: 'browser', to: 'channel', label: p.decision === 'agree' ? 'agrees' : p.decision === 'refuse' ? 'refuses' : 'signing page' };
    case 'issuer':
      return inbound ? { from: 'issuer', to: 'ucsp', label: p.status ? `status ${p.status}` : 'answer', answer: !e.note } : { from: 'ucsp', to: 'issuer', label: p.n ? `inquiry #${p.n}` : 'inquiry' };
    default:
      return { from: 'ucsp', to: 'ucsp', label: e.channel ?? '?' };
  }
}

/** ok, bad or pending: how an entry went (code, signature, HTTP status, a corrupted answer). */
export function verdictOf(e) {
  if (e.corrupted) return 'bad';
  if (e.signature && e.signature.valid === false) return 'bad';
  if (e.httpStatus !== undefined && e.httpStatus >= 400) return 'bad';
  if (e.channel === 'notice' && e.direction === 'in' && e.responseCode !== '00') return 'bad';
  if (e.responseCode === '00') return 'ok';
  if (e.responseCode === '05') return 'pending';
  if (e.responseCode) return 'bad';
  return 'plain';
}

const LEFT = 96;
const TOP = 48;
const ROW = 38;

/**
 * The diagram of `entries` (oldest first); `onSelect(entry)` when an arrow is clicked (or chosen
 * with Enter). `selected`: the seq of the arrow shown as chosen.
 */
export function renderDiagram(entries, onSelect, selected) {
  const x = (lane) => LEFT + (LANES.find((l) => l.id === lane)?.x ?? 0);
  const width = LEFT + LANES.at(-1).x + 56;
  const height = TOP + Math.max(entries.length, 1) * ROW + 16;
  const svg = s('svg', { class: 'diagram', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `sequence diagram: ${entries.length} messages`, 'data-testid': 'diagram' });
  const defs = s('defs');
  for (const v of ['ok', 'bad', 'pending', 'plain']) {
    defs.append(s('marker', { id: `ah-${v}`, class: `head ${v}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z' })));
  }
  svg.append(defs);
  for (const l of LANES) {
    svg.append(
      s('rect', { class: 'lane-head', x: x(l.id) - 52, y: 6, width: 104, height: 26, rx: 4 }),
      s('text', { class: 'lane-title', x: x(l.id), y: 24, 'text-anchor': 'middle' }, l.title),
      s('line', { class: 'lifeline', x1: x(l.id), y1: 32, x2: x(l.id), y2: height - 4 }),
    );
  }
  entries.forEach((e, i) => {
    const y = TOP + i * ROW + 22;
    const a = arrowOf(e);
    const v = verdictOf(e);
    const x1 = x(a.from);
    const x2 = x(a.to);
    const g = s('g', {
      class: `arrow ${v}${a.answer ? ' answer' : ''}${selected === e.seq ? ' selected' : ''}`,
      tabindex: 0,
      role: 'button',
      'aria-label': `#${e.seq} ${a.label}`,
      'data-seq': e.seq,
      'data-testid': `arrow-${e.seq}`,
      'data-msgtype': e.msgType ?? '',
      'data-channel': e.channel,
      'data-direction': e.direction,
    });
    const full = `#${e.seq} ${e.channel} ${e.direction}: ${a.label}${e.note ? ` — ${e.note}` : ''}`;
    g.append(s('title', {}, full));
    // the whole row is the click target, not only the thin line
    g.append(s('rect', { class: 'row-hit', x: 0, y: y - ROW / 2 - 4, width, height: ROW }));
    g.append(s('text', { class: 'when', x: 6, y: y + 4 }, `#${e.seq} ${clockTime(e.at)}`));
    if (x1 === x2) {
      const d = `M${x1},${y - 8} h34 v16 h-32`;
      g.append(s('path', { class: 'hit', d }), s('path', { class: 'line', d, 'marker-end': `url(#ah-${v})` }));
      g.append(s('text', { class: 'label', x: x1 + 40, y: y + 4 }, cut(a.label, 26)));
    } else {
      g.append(s('line', { class: 'hit', x1, y1: y, x2, y2: y }));
      g.append(s('line', { class: 'line', x1, y1: y, x2: x2 + (x2 > x1 ? -2 : 2), y2: y, 'marker-end': `url(#ah-${v})` }));
      const span = Math.abs(x2 - x1);
      g.append(s('text', { class: 'label', x: (x1 + x2) / 2, y: y - 6, 'text-anchor': 'middle' }, cut(a.label, Math.max(12, Math.floor(span / 6.6)))));
    }
    const pick = () => onSelect(e);
    g.addEventListener('click', pick);
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        pick();
      }
    });
    svg.append(g);
  });
  if (!entries.length) svg.append(s('text', { class: 'empty', x: width / 2, y: TOP + 20, 'text-anchor': 'middle' }, 'no message about this order in the journal (it keeps the latest entries only, journalLimit)'));
  return svg;
}
