import type { Command } from 'commander';
import { UcspError } from '../../errors/index.js';
import { clean, describeDuration } from '../../journal/log-line.js';
import type { NoticeAttempt, NoticeRecord } from '../../protocol/notice-machine.js';
import { ControlClient, addRemoteFlags, type RemoteFlags } from '../control-client.js';
import { c, err, out, printJson } from '../output.js';
import { parseLimit } from '../remote-args.js';

/** How long `send` waits for the attempt it set going (the partner's answer), real time. */
const SETTLE_MS = 30_000;

function statusText(status: string): string {
  const text = status.padEnd(9);
  return status === 'DELIVERED' ? c.green(text) : status === 'PENDING' || status === 'HELD' ? c.yellow(text) : c.red(text);
}

export function attemptLine(a: NoticeAttempt): string {
  const what = a.kind === 'scheduled' ? `attempt ${a.n}` : `copy (attempt ${a.n}${a.tamper ? `, ${a.tamper}` : ''})`;
  const answer = [a.httpStatus !== undefined && a.httpStatus !== 200 ? `HTTP ${a.httpStatus}` : '', a.responseCode ?? ''].filter(Boolean).join(' ');
  return `${what}: ${a.ok ? c.green('accepted') : c.red(`failed: ${clean(a.problem ?? 'refused', 400)}`)}${answer ? ` (answered ${clean(answer, 16)})` : ''}, ${Math.round(a.durationMs)} ms`;
}

export function noticeLine(n: NoticeRecord, now?: number): string {
  const last = n.attempts.at(-1);
  const next = n.status === 'PENDING' && n.nextAt !== undefined && now !== undefined ? c.dim(` next attempt in ${describeDuration(Math.max(0, n.nextAt - now))}`) : '';
  return `${n.id.padEnd(10)} ${statusText(n.status)} ${n.msgType.padEnd(23)} ${clean(n.orderId, 40).padEnd(24)} ${String(n.attempts.length).padStart(2)} tried${last ? `  last: ${attemptLine(last)}` : ''}${next}`;
}

async function settleAndShow(client: ControlClient, id: string, json: boolean, before: number): Promise<void> {
  const settled = await client.post<{ settled: boolean; inFlight?: { what: string }[] }>('/settle', { timeoutMs: SETTLE_MS }, { timeoutMs: SETTLE_MS + 30_000 });
  const n = await client.get<NoticeRecord>(`/notices/${encodeURIComponent(id)}`);
  if (json) return printJson({ notice: n, attempts: n.attempts.slice(before), settled: settled.settled });
  for (const a of n.attempts.slice(before)) out(`${n.id} ${attemptLine(a)}`);
  out(`${n.id} is ${statusText(n.status).trimEnd()}`);
  if (!settled.settled) err(c.yellow(`still waiting after ${SETTLE_MS / 1000} s: ${(settled.inFlight ?? []).map((f) => f.what).join('; ')}`));
}

export function registerNotices(program: Command): void {
  const notices = program
    .command('notices')
    .description("UCSP's notices to the partner (PAYMENT_RESULT_NOTICE, SIGN_AUTO_DEBIT_NOTICE): list them, send one now, drop one, send a copy")
    .addHelpText(
      'after',
      `
Examples:
  $ npx ucsp-sandbox notices list --order ORD2026112500001
  $ npx ucsp-sandbox notices send N00000012          # a held or waiting notice goes now
  $ npx ucsp-sandbox notices drop N00000012          # never sent: the partner must inquire
  $ npx ucsp-sandbox notices resend N00000012        # a byte-identical copy now
  $ npx ucsp-sandbox notices resend N00000012 --tamper amount`,
    );

  addRemoteFlags(
    notices
      .command('list')
      .description('notices with their status and attempts, oldest first (GET /control/notices)')
      .option('--order <orderId>', "one order's notices")
      .option('--limit <n>', 'notices per page (1–10000)', parseLimit, 100)
      .option('--cursor <cursor>', 'the page after the one that printed this cursor'),
  )
    .addHelpText('after', '\nExamples:\n  $ npx ucsp-sandbox notices list\n  $ npx ucsp-sandbox notices list --order ORD2026112500001 --json')
    .action(async (opts: RemoteFlags & { order?: string; limit: number; cursor?: string }) => {
      const client = await ControlClient.connect(opts);
      const q = new URLSearchParams({ limit: String(opts.limit), ...(opts.order ? { orderId: opts.order } : {}), ...(opts.cursor ? { cursor: opts.cursor } : {}) });
      const page = await client.call<NoticeRecord[]>('GET', `/notices?${q}`);
      const next = page.headers.get('x-next-cursor');
      if (opts.json) return printJson({ notices: page.json, nextCursor: next });
      if (!page.json.length) return err(opts.order ? `no notices for order ${opts.order}` : 'no notices yet');
      const now = page.json.some((n) => n.status === 'PENDING') ? (await client.get<{ now: number }>('/clock')).now : undefined;
      for (const n of page.json) out(noticeLine(n, now));
      if (next) err(c.dim(`more: ucsp-sandbox notices list --limit ${opts.limit} --cursor ${next}`));
    });

  addRemoteFlags(notices.command('send').description('send a held notice, or a pending one before its next retry, now — and wait for its answer').argument('<noticeId>'))
    .addHelpText('after', '\nA held notice is released (POST …/release); a pending one is due now (POST …/delay {"ms":0}).\n\nExamples:\n  $ npx ucsp-sandbox notices send N00000012')
    .action(async (id: string, opts: RemoteFlags) => {
      const client = await ControlClient.connect(opts);
      const n = await client.get<NoticeRecord>(`/notices/${encodeURIComponent(id)}`);
      if (n.status === 'HELD') await client.post(`/notices/${encodeURIComponent(id)}/release`);
      else if (n.status === 'PENDING') await client.post(`/notices/${encodeURIComponent(id)}/delay`, { ms: 0 });
      else throw new UcspError('incorrect', `notice ${id} is ${n.status}: nothing to send on its schedule (\`ucsp-sandbox notices resend ${id}\` sends a copy)`);
      await settleAndShow(client, id, opts.json === true, n.attempts.length);
    });

  addRemoteFlags(notices.command('drop').description('drop a pending or held notice: it is never sent, the partner must inquire (POST …/drop)').argument('<noticeId>'))
    .addHelpText('after', '\nExamples:\n  $ npx ucsp-sandbox notices drop N00000012')
    .action(async (id: string, opts: RemoteFlags) => {
      const client = await ControlClient.connect(opts);
      const n = await client.post<NoticeRecord>(`/notices/${encodeURIComponent(id)}/drop`);
      if (opts.json) return printJson(n);
      out(`${n.id} is ${statusText(n.status).trimEnd()}: never sent; the partner learns the result by inquiring`);
    });

  addRemoteFlags(
    notices
      .command('resend')
      .description('send a copy now: byte for byte (a resend), tampered, or with the other result (POST …/send)')
      .argument('<noticeId>')
      // the values are the control API's to check (one list, in the sandbox): a wrong one is its 400, exit 2
      .option('--tamper <how>', 'a tampered copy, a message of its own with a fresh msgID, that the partner should refuse: signature | amount | currency | unknown-order | txn-type | mer-id | orig-qry-id')
      .option('--result <code>', 'a conflicting copy with the other result (00 | 01): the partner answers 00 and changes nothing'),
  )
    .addHelpText('after', '\nExamples:\n  $ npx ucsp-sandbox notices resend N00000012\n  $ npx ucsp-sandbox notices resend N00000012 --tamper signature\n  $ npx ucsp-sandbox notices resend N00000012 --result 01 --json')
    .action(async (id: string, opts: RemoteFlags & { tamper?: string; result?: string }) => {
      const client = await ControlClient.connect(opts);
      const r = await client.post<{ attempt: NoticeAttempt; notice: NoticeRecord }>(`/notices/${encodeURIComponent(id)}/send`, { ...(opts.tamper ? { tamper: opts.tamper } : {}), ...(opts.result ? { result: opts.result } : {}) }, { timeoutMs: 10 * 60_000 });
      if (opts.json) return printJson(r);
      out(`${r.notice.id} ${attemptLine(r.attempt)}`);
      out(`${r.notice.id} is ${statusText(r.notice.status).trimEnd()}`);
    });
}
