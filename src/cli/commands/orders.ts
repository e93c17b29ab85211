import type { Command } from 'commander';
import { ControlClient, addRemoteFlags, type RemoteFlags } from '../control-client.js';
import { clean } from '../../journal/log-line.js';
import { c, err, out, printJson } from '../output.js';
import { parseLimit } from '../remote-args.js';

type OrderView = Record<string, unknown> & { kind: string; orderId: string; status: string };

/** The status, padded to `width`, in its colour. */
function paintStatus(status: string, width: number): string {
  const text = clean(status, 16).padEnd(width);
  return status === 'APPROVED' || status === 'SIGNED' ? c.green(text) : status === 'DECLINED' || status === 'REFUSED' ? c.red(text) : c.yellow(text);
}

/** One order as one line: id, kind, status, amount, user or original order. */
export function orderLine(o: OrderView): string {
  const kind = o.kind === 'PAY' ? (o.source === 'auto-debit' ? 'AUTO-DEBIT' : 'PAYMENT') : o.kind === 'SIGN' ? 'SIGNING' : o.kind;
  const amount = typeof o.txnAmt === 'string' ? `${o.txnAmt} (${String(o.currencyCode)})` : '';
  const who = typeof o.origOrderId === 'string' ? `of ${clean(o.origOrderId)}` : typeof o.userId === 'string' ? clean(o.userId) : '';
  return [clean(o.orderId, 40).padEnd(24), kind.padEnd(10), paintStatus(String(o.status), 13), amount.padEnd(16), who].join(' ').trimEnd();
}

export function registerOrders(program: Command): void {
  addRemoteFlags(
    program
      .command('orders')
      .description('the orders UCSP holds — payments, auto-debits, refunds and cancellations, signings — paged, or one in full (GET /control/orders)')
      .argument('[orderId]', 'one order, in full (its notice links, expiry, card masked)')
      .option('--limit <n>', 'orders per page (1–10000)', parseLimit, 100)
      .option('--cursor <cursor>', 'the page after the one that printed this cursor'),
  )
    .addHelpText(
      'after',
      `
Orders are listed oldest first; when more follow, the command prints the --cursor of the next page.

Examples:
  $ npx ucsp-sandbox orders
  $ npx ucsp-sandbox orders --limit 20 --cursor k:ORD2026112500020
  $ npx ucsp-sandbox orders ORD2026112500001 --json`,
    )
    .action(async (orderId: string | undefined, opts: RemoteFlags & { limit: number; cursor?: string }) => {
      const client = await ControlClient.connect(opts);
      if (orderId !== undefined) {
        const o = await client.get<OrderView>(`/orders/${encodeURIComponent(orderId)}`);
        if (opts.json) return printJson(o);
        for (const [k, v] of Object.entries(o)) out(`${`${k}`.padEnd(14)} ${typeof v === 'string' ? clean(v, 400) : JSON.stringify(v)}`);
        return;
      }
      const page = await client.call<OrderView[]>('GET', `/orders?limit=${opts.limit}${opts.cursor ? `&cursor=${encodeURIComponent(opts.cursor)}` : ''}`);
      const next = page.headers.get('x-next-cursor');
      if (opts.json) return printJson({ orders: page.json, nextCursor: next });
      if (!page.json.length) return err(opts.cursor ? 'no more orders' : 'no orders yet');
      out(c.dim(`${'orderId'.padEnd(24)} ${'kind'.padEnd(10)} ${'status'.padEnd(13)} ${'amount'.padEnd(16)} user / original`));
      for (const o of page.json) out(orderLine(o));
      if (next) err(c.dim(`more: ucsp-sandbox orders --limit ${opts.limit} --cursor ${next}`));
    });
}
