// One journal entry shown whole (raw and parsed bodies, signature verdict with its diagnosis,
// code and reason), and the Messages tab: the latest entries, live.
import { arrowOf, verdictOf, LANES } from './diagram.js';
import { badge, clockTime, codeClass, h, pretty, time } from './dom.js';

let codeMeaning = {};
export function setCodeMeanings(list) {
  codeMeaning = Object.fromEntries((list ?? []).map((c) => [c.code, c.meaning]));
}

const laneTitle = (id) => LANES.find((l) => l.id === id)?.title ?? id;

/** The full account of one entry. */
export function entryDetail(e) {
  const a = arrowOf(e);
  const rows = [
    ['Direction', `${laneTitle(a.from)} → ${laneTitle(a.to)} (${e.channel}, ${e.direction})`],
    ['Message type', e.msgType],
    ['Order', e.orderId],
    ['msgID', e.msgID],
    ['Sandbox time', e.at !== undefined ? `${time(e.at)} (${clockTime(e.at)})` : undefined],
    ['Wall time', e.wallAt !== undefined ? time(e.wallAt) : undefined],
    ['Peer', e.peer],
    ['HTTP status', e.httpStatus],
    ['Duration', e.durationMs !== undefined ? `${e.durationMs} ms` : undefined],
    ['Answers', e.replyTo !== undefined ? `#${e.replyTo}` : undefined],
  ].filter(([, v]) => v !== undefined && v !== '');
  const sig = e.signature;
  return h(
    'article',
    { class: `entry-detail ${verdictOf(e)}`, 'data-testid': 'entry-detail', 'data-seq': e.seq },
    h('h3', {}, `#${e.seq} ${a.label}`),
    e.responseCode
      ? h('p', { class: 'code-line' }, badge(e.responseCode, codeClass(e.responseCode), { 'data-testid': 'entry-code' }), ' ', codeMeaning[e.responseCode] ?? '')
      : null,
    e.note ? h('p', { class: 'reason', 'data-testid': 'entry-note' }, e.note) : null,
    e.corrupted ? h('p', { class: 'reason' }, `corrupted on purpose (${e.corrupted.fault}): claims ${e.corrupted.code}, UCSP's genuine answer was ${e.corrupted.genuineCode}`) : null,
    sig
      ? h(
          'div',
          { class: `signature ${sig.valid ? 'ok' : 'bad'}`, 'data-testid': 'entry-signature' },
          h('strong', {}, sig.valid ? 'Signature valid' : 'Signature invalid'),
          ': ',
          sig.summary ?? '',
          sig.problem ? h('div', {}, `Problem: ${sig.problem}`) : null,
          Array.isArray(sig.details) && sig.details.length ? h('ul', {}, sig.details.map((d) => h('li', {}, String(d)))) : null,
        )
      : null,
    h('table', { class: 'kv' }, rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, String(v))))),
    e.parsed !== undefined ? [h('h4', {}, 'Parsed'), h('pre', { class: 'body', 'data-testid': 'entry-parsed' }, pretty(e.parsed))] : null,
    h('h4', {}, 'Raw', e.raw !== undefined ? h('span', { class: 'note' }, ` (${e.raw.length} characters, as sent; mobiles and card numbers masked)`) : null),
    h('pre', { class: 'body raw', 'data-testid': 'entry-raw' }, pretty(e.raw ?? '')),
  );
}

/** One line of the Messages tab. */
export function entryLine(e, onOpen) {
  const a = arrowOf(e);
  const v = verdictOf(e);
  return h(
    'button',
    { type: 'button', class: `msg-line ${v}`, 'data-seq': e.seq, 'data-testid': `msg-${e.seq}`, on: { click: () => onOpen(e) } },
    h('span', { class: 'seq' }, `#${e.seq}`),
    h('span', { class: 'when' }, clockTime(e.at)),
    h('span', { class: 'who' }, `${laneTitle(a.from)} → ${laneTitle(a.to)}`),
    h('span', { class: 'what' }, a.label),
    h('span', { class: 'order' }, e.orderId ?? ''),
    h('span', { class: 'sig' }, e.signature ? (e.signature.valid ? 'signature ok' : 'signature BAD') : ''),
    h('span', { class: 'why' }, e.note ?? ''),
  );
}
