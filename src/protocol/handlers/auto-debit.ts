/** SIGN_AUTO_DEBIT (§6.5), CLOSE_AUTO_DEBIT (§6.7) and SUBMIT_AUTO_DEBIT (§6.8). */
import { UcspError } from '../../errors/index.js';
import { closeContract, type SigningRequest } from '../contract-machine.js';
import { CURRENCIES } from '../currencies.js';
import { decideBehaviour, startIssuerTxn } from '../issuer-rules.js';
import type { PaymentOrder } from '../payment-machine.js';
import { formatUcspTime } from '../time.js';
import { checkTxnTime, knownUser, orderIdTaken, sameContent, type Handler, type HandlerOutcome } from './context.js';

const SIGN_FIELDS = ['orderId', 'merId', 'userId', 'frontUrl', 'backUrl'] as const;
const DEBIT_FIELDS = ['orderId', 'contractId', 'merId', 'acqIIN', 'txnAmt', 'currencyCode', 'txnTime', 'backUrl'] as const;

function signAccepted(s: SigningRequest, signUrl: (signId: string) => string): HandlerOutcome {
  return { code: '00', orderId: s.orderId, trxInfo: { orderId: s.orderId, merId: s.merId, signUrl: signUrl(s.signId) }, effects: [] };
}

export const signAutoDebit: Handler = (trx, ctx) => {
  const existing = ctx.ledger.orders.get(trx.orderId!);
  if (existing) return orderIdTaken(existing.kind === 'SIGN' && sameContent(trx, existing, SIGN_FIELDS), () => signAccepted(existing as SigningRequest, ctx.settings.signUrl));
  knownUser(trx.userId!, ctx);
  const s: SigningRequest = {
    kind: 'SIGN',
    orderId: trx.orderId!,
    merId: trx.merId!,
    userId: trx.userId!,
    frontUrl: trx.frontUrl!,
    backUrl: trx.backUrl!,
    signId: ctx.ledger.ids.signId(),
    status: 'AWAITING_USER',
    createdAt: ctx.now,
  };
  ctx.ledger.putOrder(s);
  return signAccepted(s, ctx.settings.signUrl);
};

export const closeAutoDebit: Handler = (trx, ctx) => {
  const c = ctx.ledger.contracts.get(trx.contractId!);
  if (!c) throw new UcspError('not-found', `no contract ${trx.contractId}`);
  if (c.userId !== trx.userId || c.merId !== trx.merId) throw new UcspError('incorrect', 'the contract belongs to another user or merchant');
  ctx.ledger.contracts.set(c.contractId, closeContract(c, ctx.now));
  return { code: '00', trxInfo: { contractId: c.contractId, merId: c.merId }, effects: [] };
};

export const submitAutoDebit: Handler = (trx, ctx) => {
  const answer = (orderId: string): HandlerOutcome => ({
    code: '05',
    orderId,
    trxInfo: { orderId, merId: trx.merId!, contractId: trx.contractId! },
    effects: [],
  });
  const existing = ctx.ledger.orders.get(trx.orderId!);
  if (existing) return orderIdTaken(existing.kind === 'PAY' && existing.source === 'auto-debit' && sameContent(trx, existing, DEBIT_FIELDS), () => answer(existing.orderId));
  const c = ctx.ledger.contracts.get(trx.contractId!);
  if (!c) throw new UcspError('not-found', `no contract ${trx.contractId}`);
  if (c.merId !== trx.merId) throw new UcspError('incorrect', 'the contract belongs to another merchant');
  if (c.status === 'CLOSED') throw new UcspError('declined', `contract ${c.contractId} is closed`);
  if (trx.acqIIN !== ctx.settings.partner.acqIIN) throw new UcspError('incorrect', `acqIIN ${trx.acqIIN} is not the registered ${ctx.settings.partner.acqIIN}`);
  if (!CURRENCIES[trx.currencyCode!]) throw new UcspError('incorrect', `currencyCode ${trx.currencyCode} is not a currency UCSP accepts`);
  checkTxnTime(trx.txnTime!, ctx);
  const wire = formatUcspTime(ctx.wallNow, ctx.settings.zone);
  const tn = ctx.ledger.ids.tn(wire);
  const behaviour = decideBehaviour({ override: ctx.issuerOverride(trx.orderId!), txnAmt: trx.txnAmt! });
  const txn = startIssuerTxn(
    { ref: tn, orderId: trx.orderId!, kind: 'PAY', txnAmt: trx.txnAmt!, currencyCode: trx.currencyCode!, behaviour, createdAt: ctx.now },
    ctx.now,
  );
  // The downstream system failed: nothing is stored, so the partner may retry the same orderId.
  if (!txn) throw new UcspError('common', 'the downstream payment system reported a system error');
  const order: PaymentOrder = {
    kind: 'PAY',
    source: 'auto-debit',
    orderId: trx.orderId!,
    merId: trx.merId!,
    acqIIN: trx.acqIIN!,
    txnAmt: trx.txnAmt!,
    currencyCode: trx.currencyCode!,
    txnTime: trx.txnTime!,
    userId: c.userId,
    backUrl: trx.backUrl!,
    contractId: c.contractId,
    tn,
    status: 'PROCESSING',
    reservedAmt: 0,
    refundedAmt: 0,
    cancelled: false,
    createdAt: ctx.now,
  };
  ctx.ledger.putOrder(order);
  ctx.ledger.issuer.set(tn, txn);
  return { ...answer(order.orderId), effects: [{ type: 'watch', orderId: order.orderId }] };
};
