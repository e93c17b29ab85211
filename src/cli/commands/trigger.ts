import type { Command } from 'commander';
import { UcspError } from '../../errors/index.js';
import { describeDuration } from '../../journal/log-line.js';
import type { NoticeRecord } from '../../protocol/notice-machine.js';
import { ControlClient, addRemoteFlags, type RemoteFlags } from '../control-client.js';
import { c, err, out, printJson } from '../output.js';
import { attemptLine } from './notices.js';

type OrderView = { kind: string; source?: string; orderId: string; status: string; expiresAt?: number };
type TriggerFlags = RemoteFlags & { order?: string; user?: string };

/** What an event acts on: an order awaiting its user, found by --order or as the latest one. */
interface Needs {
  words: string;
  suits(o: OrderView): boolean;
}
const AWAITING_PAYMENT: Needs = { words: 'frontend payment awaiting the user', suits: (o) => o.kind === 'PAY' && o.source === 'frontend' && o.status === 'AWAITING_USER' };
const AWAITING_SIGNING: Needs = { words: 'auto-debit signing awaiting the user', suits: (o) => o.kind === 'SIGN' && o.status === 'AWAITING_USER' };

interface TriggerEvent {
  does: string;
  needs?: Needs;
  /** Whether what it sets going (a notice) is waited for and shown. */
  settles: boolean;
  run(client: ControlClient, orderId: string | undefined, o: TriggerFlags): Promise<{ result: unknown; said: string }>;
}

async function cardFor(client: ControlClient, behaviour: string): Promise<string> {
  const { cards } = await client.get<{ cards: { pan: string; behaviour: string }[] }>('/issuer/cards');
  const card = cards.find((k) => k.behaviour === behaviour);
  if (!card) throw new UcspError('common', `the sandbox has no test card that ${behaviour}s`);
  return card.pan;
}

function outcome(behaviour: 'approve' | 'decline', what: string): TriggerEvent {
  return {
    does: `the issuer ${behaviour}s the next transaction UCSP sends it (${what}), or the one of --order`,
    settles: false,
    run: async (client, _id, o) => {
      const result = await client.post('/issuer/outcome', { behaviour, ...(o.order ? { orderId: o.order } : {}) });
      return { result, said: `the issuer will ${behaviour} ${o.order ? `order ${o.order}` : `the next transaction (${what})`}` };
    },
  };
}

/** The events, named as Stripe CLI names its triggers; each maps onto control API calls (README "Control API"). */
export const EVENTS: Record<string, TriggerEvent> = {
  'payment.approved': {
    does: 'the user pays at the cashier with the approving test card (POST /control/pay)',
    needs: AWAITING_PAYMENT,
    settles: true,
    run: async (client, orderId) => {
      const result = await client.post<{ order: { status: string }; behaviour: string }>('/pay', { orderId });
      return { result, said: `order ${orderId} paid; the issuer: ${result.behaviour}` };
    },
  },
  'payment.declined': {
    does: 'the user pays with the test card the issuer declines (POST /control/pay)',
    needs: AWAITING_PAYMENT,
    settles: true,
    run: async (client, orderId) => {
      const result = await client.post<{ behaviour: string }>('/pay', { orderId, card: await cardFor(client, 'decline') });
      return { result, said: `order ${orderId} paid with the declining card; the issuer: ${result.behaviour}` };
    },
  },
  'payment.abandoned': {
    does: 'the user closes the cashier without paying: the order fails, notice 01 (POST /control/abandon)',
    needs: AWAITING_PAYMENT,
    settles: true,
    run: async (client, orderId) => ({ result: await client.post('/abandon', { orderId }), said: `order ${orderId} abandoned at the cashier` }),
  },
  'order.expired': {
    does: "the sandbox clock moves to the order's deadline (orderExpirySeconds): it fails unpaid, notice 01 (POST /control/clock/advance; every timer due before then fires too)",
    needs: AWAITING_PAYMENT,
    settles: true,
    run: async (client, orderId) => {
      const order = await client.get<OrderView>(`/orders/${encodeURIComponent(orderId!)}`);
      if (order.expiresAt === undefined) throw new UcspError('incorrect', `order ${orderId} has no deadline (it is ${order.status})`);
      const { now } = await client.get<{ now: number }>('/clock');
      const ms = Math.max(0, order.expiresAt - now);
      const result = await client.post('/clock/advance', { ms }, { timeoutMs: 10 * 60_000 });
      return { result, said: `sandbox clock advanced ${describeDuration(ms)}: order ${orderId} expired unpaid` };
    },
  },
  'signing.agreed': {
    does: 'the user agrees on the auto-debit signing page: a contract (POST /control/sign)',
    needs: AWAITING_SIGNING,
    settles: true,
    run: async (client, orderId) => {
      const result = await client.post<{ contractId?: string }>('/sign', { orderId, decision: 'agree' });
      return { result, said: `signing ${orderId} agreed: contract ${result.contractId ?? '?'}` };
    },
  },
  'signing.refused': {
    does: 'the user refuses on the auto-debit signing page (POST /control/sign)',
    needs: AWAITING_SIGNING,
    settles: true,
    run: async (client, orderId) => ({ result: await client.post('/sign', { orderId, decision: 'refuse' }), said: `signing ${orderId} refused` }),
  },
  'refund.settled': outcome('approve', "the partner's next refund or cancellation"),
  'refund.failed': outcome('decline', "the partner's next refund or cancellation"),
  'debit.declined': outcome('decline', "the partner's next auto-debit"),
  'user.login': {
    does: "a test user opens the service in the channel app: the signed login hand-off to the partner's indexUrl (POST /control/login; --user to choose)",
    settles: false,
    run: async (client, _id, o) => {
      const result = await client.post<{ url: string; userId: string }>('/login', o.user ? { userId: o.user } : {});
      return { result, said: `login hand-off for ${result.userId}: open ${result.url}` };
    },
  },
};

/** The latest order that suits an event (the lists are oldest first): scanned a page at a time. */
async function latest(client: ControlClient, needs: Needs): Promise<string> {
  let found: string | undefined;
  for await (const page of client.pages<OrderView>('/orders')) for (const o of page) if (needs.suits(o)) found = o.orderId;
  if (!found) throw new UcspError('incorrect', `no ${needs.words} in the sandbox: make one first (your Industry Service submits it), or give --order ID`);
  return found;
}

export function registerTrigger(program: Command): void {
  const names = Object.keys(EVENTS);
  addRemoteFlags(
    program
      .command('trigger')
      .description('make something happen in a running sandbox, as the user, the issuer or time would')
      .argument('<event>', names.join(' | '))
      .option('--order <orderId>', 'the order it applies to (default: the latest one that suits, said on stderr)')
      .option('--user <userId>', 'user.login: the test user (default the first)'),
  )
    .addHelpText(
      'after',
      `
Events:
${names.map((n) => `  ${n.padEnd(18)} ${EVENTS[n]!.does}`).join('\n')}

What an event sets going (the notice to the partner) is waited for and shown.

Examples:
  $ npx ucsp-sandbox trigger payment.approved
  $ npx ucsp-sandbox trigger payment.declined --order ORD2026112500001
  $ npx ucsp-sandbox trigger signing.agreed --json
  $ npx ucsp-sandbox trigger refund.failed          # then let your service refund a payment`,
    )
    .action(async (name: string, opts: TriggerFlags) => {
      const event = EVENTS[name];
      if (!event) throw new UcspError('usage', `unknown event "${name}": one of ${names.join(', ')}`);
      const client = await ControlClient.connect(opts);
      let orderId = opts.order;
      if (event.needs && orderId === undefined) {
        orderId = await latest(client, event.needs);
        err(c.dim(`order ${orderId}: the latest ${event.needs.words} (--order to choose another)`));
      }
      const { result, said } = await event.run(client, orderId, opts);
      let notices: NoticeRecord[] = [];
      let settled = true;
      if (event.settles && orderId) {
        // the notice it set going is sent and answered (on a manual clock too: what is due now fires)
        settled = (await client.post<{ settled: boolean }>('/settle', { timeoutMs: 30_000 }, { timeoutMs: 60_000 })).settled;
        notices = await client.get<NoticeRecord[]>(`/notices?orderId=${encodeURIComponent(orderId)}`);
      }
      if (opts.json) return printJson({ event: name, ...(orderId ? { orderId } : {}), result, ...(event.settles ? { notices, settled } : {}) });
      out(`${c.green(name)} ${said}`);
      for (const n of notices) {
        const last = n.attempts.at(-1);
        out(`  notice ${n.id} ${n.msgType}: ${n.status}${last ? ` — ${attemptLine(last)}` : ''}`);
      }
      if (!settled) err(c.yellow('  still in flight after 30 s: see `ucsp-sandbox notices list` later'));
    });
}
