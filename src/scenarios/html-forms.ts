/**
 * The forms of an HTML page, read the way a browser without JavaScript reads them: each `<form>`
 * with its method, action, controls and submit buttons; and the request that submitting one with a
 * given button makes (HTML's form submission algorithm, application/x-www-form-urlencoded).
 * Enough for the sandbox's cashier and channel pages and for ordinary server-rendered pages; not a
 * general HTML parser (no nested forms, no `form=` attributes, no <select>/<textarea>).
 */

export interface FormControl {
  /** `hidden`, `text`, `radio`, `checkbox`, … (lower case; `text` when absent) */
  type: string;
  name: string;
  value: string;
  checked: boolean;
  disabled: boolean;
}

export interface SubmitButton {
  /** The text a user reads on it. */
  label: string;
  name?: string;
  value?: string;
  formaction?: string;
  formmethod?: string;
}

export interface HtmlForm {
  method: 'GET' | 'POST';
  /** The action attribute as written ('' when absent: the page's own URL). */
  action: string;
  controls: FormControl[];
  buttons: SubmitButton[];
}

export interface FormRequest {
  method: 'GET' | 'POST';
  url: string;
  /** application/x-www-form-urlencoded body (POST only). */
  body?: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

/** The attributes of one start tag's inside (`name="x" checked`), names lower-cased, values decoded. */
export function attributes(inside: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (let m = re.exec(inside); m; m = re.exec(inside)) {
    const name = m[1]!.toLowerCase();
    if (!(name in out)) out[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

const text = (html: string) => decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();

/** Every form of the page, in document order. */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  const formRe = /<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi;
  for (let f = formRe.exec(html); f; f = formRe.exec(html)) {
    const a = attributes(f[1]!);
    const inner = f[2]!;
    const controls: FormControl[] = [];
    const buttons: SubmitButton[] = [];
    const tagRe = /<input\b([^>]*)>|<button\b([^>]*)>([\s\S]*?)<\/button\s*>/gi;
    for (let t = tagRe.exec(inner); t; t = tagRe.exec(inner)) {
      const kind = t[1] !== undefined ? 'input' : 'button';
      const at = attributes(t[1] ?? t[2]!);
      const type = (at.type ?? (kind === 'button' ? 'submit' : 'text')).toLowerCase();
      const button = (label: string): SubmitButton => ({
        label,
        ...(at.name !== undefined ? { name: at.name, value: at.value ?? '' } : {}),
        ...(at.formaction !== undefined ? { formaction: at.formaction } : {}),
        ...(at.formmethod !== undefined ? { formmethod: at.formmethod } : {}),
      });
      if (kind === 'button') {
        if (type === 'submit' && !('disabled' in at)) buttons.push(button(text(t[3] ?? '')));
        continue;
      }
      if (type === 'submit' || type === 'image') {
        if (!('disabled' in at)) buttons.push(button(at.value ?? 'Submit'));
        continue;
      }
      if (type === 'button' || type === 'reset' || type === 'file' || at.name === undefined) continue;
      controls.push({ type, name: at.name, value: at.value ?? (type === 'radio' || type === 'checkbox' ? 'on' : ''), checked: 'checked' in at, disabled: 'disabled' in at });
    }
    forms.push({ method: (a.method ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET', action: a.action ?? '', controls, buttons });
  }
  return forms;
}

/**
 * The request a browser makes when the form is submitted with `button` (default: its first submit
 * button, as pressing Enter does), after the user chose `choose` (radio name → the value to check;
 * a value the page does not offer is an error).
 */
export function formRequest(form: HtmlForm, pageUrl: string, o: { button?: SubmitButton; choose?: Record<string, string> } = {}): FormRequest {
  const choose = o.choose ?? {};
  for (const [name, value] of Object.entries(choose)) {
    const offered = form.controls.filter((c) => c.name === name && c.type === 'radio' && !c.disabled).map((c) => c.value);
    if (!offered.includes(value)) throw new Error(`the form offers no ${name} "${value}" (it offers ${offered.length ? offered.map((v) => `"${v}"`).join(', ') : 'none'})`);
  }
  const data = new URLSearchParams();
  for (const c of form.controls) {
    if (c.disabled) continue;
    if (c.type === 'radio') {
      if (c.name in choose ? choose[c.name] === c.value : c.checked) data.append(c.name, c.value);
    } else if (c.type === 'checkbox') {
      if (c.checked) data.append(c.name, c.value);
    } else data.append(c.name, c.value);
  }
  const button = o.button ?? form.buttons[0];
  if (button?.name) data.append(button.name, button.value ?? '');
  const method = (button?.formmethod ?? form.method).toUpperCase() === 'POST' ? 'POST' : 'GET';
  const target = new URL(button?.formaction ?? form.action ?? '', pageUrl);
  target.hash = '';
  if (method === 'GET') {
    target.search = data.toString();
    return { method, url: target.href };
  }
  return { method, url: target.href, body: data.toString() };
}
