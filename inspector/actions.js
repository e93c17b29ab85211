// Acting on the sandbox: every action is one control call, and its result (HTTP status and the
// JSON answer, or the error with its reason) is shown in the results panel, newest first.
import { post } from './api.js';
import { clear, h, pretty } from './dom.js';

let resultsEl;
let vocab = {};

export function setVocabulary(v) {
  vocab = v;
}

export function vocabulary() {
  return vocab;
}

/** Runs a control call and shows what came back; resolves to { status, json }. */
export async function act(label, path, body) {
  const r = await post(path, body);
  showResult(label, path, body, r);
  return r;
}

export function showResult(label, path, body, r) {
  if (!resultsEl) return;
  const ok = r.status >= 200 && r.status < 300;
  const item = h(
    'li',
    { class: `result ${ok ? 'ok' : 'bad'}`, 'data-testid': 'result' },
    h('div', { class: 'result-head' }, h('strong', {}, label), ' ', h('span', { class: 'http' }, r.status ? `HTTP ${r.status}` : 'no answer')),
    h('div', { class: 'result-call' }, `POST /control${path}${body && Object.keys(body).length ? ` ${JSON.stringify(body)}` : ''}`),
    !ok && r.json?.error ? h('div', { class: 'reason', 'data-testid': 'result-error' }, r.json.error) : null,
    r.json !== undefined ? h('details', { open: ok ? undefined : true }, h('summary', {}, 'answer'), h('pre', { class: 'body' }, pretty(r.json, 20_000))) : null,
  );
  resultsEl.prepend(item);
  while (resultsEl.children.length > 30) resultsEl.lastElementChild.remove();
}

const sel = (label, options, attrs = {}) =>
  h('label', {}, `${label} `, h('select', attrs, options.map((o) => (typeof o === 'string' ? h('option', { value: o }, o) : h('option', { value: o.value }, o.text)))));
const num = (label, attrs) => h('label', {}, `${label} `, h('input', { type: 'number', min: 0, step: 1, ...attrs }));
const val = (form, name) => form.querySelector(`[name="${name}"]`)?.value ?? '';

function form(title, testid, fields, button, onSubmit) {
  const f = h('form', { class: 'act', 'data-testid': testid }, h('h3', {}, title), fields, h('button', { type: 'submit' }, button));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    onSubmit(f);
  });
  return f;
}

/** The sandbox-wide actions: clock, next answer, next notice, issuer outcome, reset. */
export function worldPanel(onReset) {
  const v = vocab;
  const clock = h(
    'form',
    { class: 'act', 'data-testid': 'clock-form' },
    h('h3', {}, 'Clock'),
    h(
      'div',
      { class: 'buttons' },
      [
        ['run what is due', 0],
        ['+1 min', 60_000],
        ['+15 min', 900_000],
        ['+1 h', 3_600_000],
        ['+6 h', 21_600_000],
      ].map(([t, ms]) => h('button', { type: 'button', 'data-testid': `advance-${ms}`, on: { click: () => act(`advance the clock ${t}`, '/clock/advance', { ms }) } }, t)),
    ),
    num('or ms', { name: 'ms', 'data-testid': 'advance-ms' }),
    h('button', { type: 'submit' }, 'Advance'),
  );
  clock.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const ms = Number(val(clock, 'ms'));
    act(`advance the clock ${ms} ms`, '/clock/advance', { ms });
  });

  const types = (v.requestTypes ?? []).map((t) => t.msgType);
  const answer = form(
    'Force the next answer',
    'answer-form',
    [sel('code', (v.responseCodes ?? []).map((c) => ({ value: c.code, text: `${c.code} ${c.meaning}` })), { name: 'code' }), sel('to', [{ value: '', text: 'any request' }, ...types], { name: 'msgType' })],
    'Force',
    (f) => {
      const msgType = val(f, 'msgType');
      act(`force the next answer ${val(f, 'code')}`, '/api/answer', { code: val(f, 'code'), ...(msgType ? { msgType } : {}) });
    },
  );

  const notice = noticeFaultForm();
  const outcome = form('Issuer: next transaction', 'outcome-form', [sel('behaviour', v.issuerBehaviours ?? [], { name: 'behaviour' })], 'Set', (f) =>
    act(`issuer outcome ${val(f, 'behaviour')}`, '/issuer/outcome', { behaviour: val(f, 'behaviour') }),
  );
  const reset = h('div', { class: 'act' }, h('h3', {}, 'Reset'), h('button', {
    type: 'button',
    class: 'danger',
    'data-testid': 'reset',
    on: {
      click: async () => {
        if (!confirm('Forget all state: orders, notices, contracts, faults, the journal?')) return;
        const r = await act('reset', '/reset', {});
        if (r.status === 204) onReset();
      },
    },
  }, 'Reset the sandbox'));
  return h('div', { class: 'world' }, clock, answer, notice, outcome, reset);
}

/** A fault for the next notice (of an order, when `orderId` is given). */
export function noticeFaultForm(orderId) {
  const v = vocab;
  const f = form(
    orderId ? 'Next notice of this order' : 'Next notice',
    'notice-fault-form',
    [
      sel('fault', v.noticeFaultActions ?? [], { name: 'action' }),
      sel('tamper', v.tampers ?? [], { name: 'tamper' }),
      num('ms', { name: 'ms', value: 60000, title: 'delay (delayMs) or age (ageMs, backdate)' }),
    ],
    'Apply',
    (form) => {
      const action = val(form, 'action');
      const ms = Number(val(form, 'ms'));
      act(`next notice: ${action}`, '/notices/faults', {
        action,
        ...(orderId ? { orderId } : {}),
        ...(action === 'tamper' ? { tamper: val(form, 'tamper') } : {}),
        ...(action === 'delay' ? { delayMs: ms } : {}),
        ...(action === 'backdate' ? { ageMs: ms } : {}),
      });
    },
  );
  return f;
}

export function mountResults(el) {
  resultsEl = el;
  clear(el);
}
