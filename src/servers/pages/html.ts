/** Small HTML helpers for the sandbox's pages: escaping and one shared layout. No external references. */

export function esc(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
header{background:#d7000f;color:#fff;padding:12px 20px;font-weight:600}
header small{font-weight:400;opacity:.85;margin-left:8px}
main{max-width:560px;margin:24px auto;background:#fff;border-radius:8px;padding:20px 24px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:20px;margin:0 0 16px}
table{border-collapse:collapse;width:100%;margin:8px 0 16px}
td,th{padding:6px 4px;border-bottom:1px solid #e5e8eb;text-align:left;font-size:14px;vertical-align:top}
th{color:#5b6875;font-weight:500;width:38%}
.amount{font-size:28px;font-weight:700;margin:8px 0 16px}
button,.button{font-size:16px;padding:10px 18px;border-radius:6px;border:0;cursor:pointer;text-decoration:none;display:inline-block}
.primary{background:#d7000f;color:#fff}.secondary{background:#e5e8eb;color:#1d2733}
label.card{display:block;padding:10px;border:1px solid #d5dbe1;border-radius:6px;margin:6px 0;cursor:pointer}
.note{color:#5b6875;font-size:13px}.error{color:#b00020;font-weight:600}
.contract{background:#f7f8fa;border:1px solid #e5e8eb;padding:12px;font-size:13px;max-height:220px;overflow:auto}
.actions{display:flex;gap:10px;margin-top:16px}
`;

export function page(title: string, party: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body><header>${esc(party)}<small>ucsp-sandbox · test environment</small></header><main>${body}</main></body></html>`;
}

export function rows(pairs: [string, unknown][]): string {
  return `<table>${pairs.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

export function errorPage(party: string, title: string, message: string): string {
  return page(title, party, `<h1>${esc(title)}</h1><p class="error">${esc(message)}</p>`);
}
