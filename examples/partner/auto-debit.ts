/**
 * Backend payments (PROFILE §6.5–§6.8): sign a contract once, charge it per payment, close it.
 * A charge answered 05 is only accepted; its result comes by notice or inquiry, like any payment.
 */
import { answerField, ask, forced, param, type Params } from './action-kit.js';
import { ActionError, REFUSED_CODES, backUrl, frontUrl, type PartnerContext } from './context.js';
import { applySigningResult } from './effects.js';
import type { Payment, SigningRequest } from './store.js';

export async function signAutoDebit(ctx: PartnerContext, params: Params) {
  const userId = param(params, 'userId');
  const orderId = ctx.wire.orderId('SGN');
  const signing: SigningRequest = { orderId, userId, status: 'PENDING' };
  ctx.store.signings.set(orderId, signing);
  const answer = await ask(ctx, 'SIGN_AUTO_DEBIT', {
    orderId,
    merId: ctx.merId,
    userId,
    frontUrl: frontUrl(ctx, orderId),
    backUrl: backUrl(ctx),
  });
  if (REFUSED_CODES.has(answer.code)) applySigningResult(ctx, signing, false, undefined);
  return { orderId, responseCode: answer.code, signUrl: answerField(answer, 'signUrl') };
}

export async function closeAutoDebit(ctx: PartnerContext, params: Params) {
  const contractId = param(params, 'contractId');
  const contract = ctx.store.contracts.get(contractId);
  if (!contract) throw new ActionError(404, `no contract ${contractId}`);
  const answer = await ask(ctx, 'CLOSE_AUTO_DEBIT', { contractId, merId: ctx.merId, userId: contract.userId });
  // BUG keepClosedContractActive: the close is ignored and the contract can still be charged.
  // BUG closeContractWhateverTheAnswer: only 00 closes it (PROFILE §6.7); 34, 36, 10, 11, 99 leave it as it was.
  if ((answer.code === '00' || ctx.bugs.closeContractWhateverTheAnswer) && !ctx.bugs.keepClosedContractActive) contract.status = 'CLOSED';
  return { contractId, responseCode: answer.code };
}

export async function submitAutoDebit(ctx: PartnerContext, params: Params) {
  const contractId = param(params, 'contractId');
  const txnAmt = param(params, 'txnAmt');
  const currencyCode = param(params, 'currencyCode');
  const contract = ctx.store.contracts.get(contractId);
  if (!forced(params)) {
    if (!contract) throw new ActionError(409, `no contract ${contractId}: sign one first`);
    if (contract.status !== 'ACTIVE') throw new ActionError(409, `contract ${contractId} is ${contract.status}`);
  }
  const orderId = ctx.wire.orderId('ADB');
  const order: Payment = {
    orderId,
    status: 'CREATED',
    txnAmt,
    currencyCode,
    refundedAmt: '0',
    txnTime: ctx.wire.time(),
    contractId,
    ...(contract ? { userId: contract.userId } : {}),
  };
  // Stored before sending: UCSP may notify the result before it answers.
  ctx.store.payments.set(orderId, order);
  const answer = await ask(ctx, 'SUBMIT_AUTO_DEBIT', {
    orderId,
    contractId,
    merId: ctx.merId,
    acqIIN: ctx.acqIIN,
    txnAmt: ctx.wire.amount(txnAmt, currencyCode),
    currencyCode,
    txnTime: order.txnTime,
    backUrl: backUrl(ctx),
  });
  if (order.status === 'CREATED') {
    if (REFUSED_CODES.has(answer.code)) order.status = 'FAILED';
    // BUG markPaidOnSyncAnswer: 05 means "accepted, inquire", not "paid".
    else if (ctx.bugs.markPaidOnSyncAnswer && (answer.code === '05' || answer.code === '00')) order.status = 'PAID';
    // BUG markChargePaidUnlessDeclined: 01 is not the only refusal (PROFILE §6.8): 10, 11, 34, 36, 99 are too.
    if (ctx.bugs.markChargePaidUnlessDeclined && answer.code !== '01' && answer.code !== '05') order.status = 'PAID';
  }
  return { orderId, responseCode: answer.code };
}
