// Building the page without ever parsing data as HTML: every value becomes a text node or an
// attribute set through the DOM (journal bodies are hostile input: no HTML string is ever parsed).

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') for (const [ev, f] of Object.entries(v)) el.addEventListener(ev, f);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An HTML element: h('td', { class: 'x' }, 'text', child…). Attributes named on* are never set from data. */
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function $(sel, root = document) {
  return root.querySelector(sel);
}

let currencies = {};
export function setCurrencies(c) {
  currencies = c ?? {};
}

/** "1234" in 344 → "HKD 12.34" (the currency's own minor unit); unknown codes as they are. */
export function amount(minor, code) {
  const c = currencies[code];
  const n = String(minor ?? '');
  if (!c || !/^[0-9]+$/.test(n)) return `${n} (${code ?? '?'})`;
  if (c.decimals === 0) return `${c.alpha} ${n}`;
  const p = n.padStart(c.decimals + 1, '0');
  return `${c.alpha} ${p.slice(0, -c.decimals)}.${p.slice(-c.decimals)}`;
}

/** A sandbox-clock time (ms) as ISO without the zone letter, to the second. */
export function time(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function clockTime(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  return new Date(ms).toISOString().slice(11, 23);
}

/** JSON for people: indented, cut at `max` characters (with a note of how much was cut). */
export function pretty(value, max = 200_000) {
  let t;
  try {
    t = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  } catch {
    t = String(value);
  }
  if (t === undefined) return '';
  return t.length > max ? `${t.slice(0, max)}\n… (${t.length - max} more characters)` : t;
}

/** The CSS class of a response code: ok (00), pending (05), bad (anything else). */
export function codeClass(code) {
  return code === '00' ? 'ok' : code === '05' ? 'pending' : code ? 'bad' : '';
}

/** The CSS class of a status. */
export function statusClass(status) {
  if (['APPROVED', 'SIGNED', 'ACTIVE', 'DELIVERED'].includes(status)) return 'ok';
  if (['AWAITING_USER', 'PROCESSING', 'PENDING', 'HELD'].includes(status)) return 'pending';
  if (['DECLINED', 'REFUSED', 'GAVE_UP', 'DROPPED'].includes(status)) return 'bad';
  return '';
}

export function badge(text, cls, attrs = {}) {
  return h('span', { class: `badge ${cls ?? ''}`, ...attrs }, text);
}
