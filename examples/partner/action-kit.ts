/** Helpers shared by the driver actions: reading params, asking UCSP. */
import type { MsgType } from '../../src/index.js';
import { ActionError, type PartnerContext } from './context.js';
import { NoAnswerError, type UcspAnswer } from './ucsp-client.js';

export type Params = Record<string, unknown>;

export const FORMAT = {
  txnAmt: /^[1-9][0-9]{0,11}$/,
  currencyCode: /^[0-9]{3}$/,
  orderId: /^[0-9A-Za-z]{8,40}$/,
  userId: /^[\x20-\x7E]{1,64}$/,
  contractId: /^[0-9A-Za-z]{1,32}$/,
} as const;

/** A required string param in its PROFILE §5 format (400 otherwise). */
export function param(params: Params, name: keyof typeof FORMAT): string {
  const v = params[name];
  if (typeof v !== 'string' || !FORMAT[name].test(v)) {
    throw new ActionError(400, `params.${name} must be a string matching ${FORMAT[name].source}${v === undefined ? ' (missing)' : ''}`);
  }
  return v;
}

export function optionalParam(params: Params, name: keyof typeof FORMAT): string | undefined {
  return params[name] === undefined ? undefined : param(params, name);
}

/** `force: true` skips the partner's own checks, so that UCSP's answer to a request it would refuse can be observed. */
export const forced = (params: Params): boolean => params.force === true;

/** Sends a request; no usable answer becomes a 502 for the driver. */
export async function ask(ctx: PartnerContext, msgType: MsgType, trxInfo: Record<string, string>): Promise<UcspAnswer> {
  try {
    return await ctx.ucsp.send(msgType, trxInfo);
  } catch (e) {
    if (e instanceof NoAnswerError) throw new ActionError(502, e.message);
    throw e;
  }
}

/** A string field of an answer's trxInfo. */
export function answerField(answer: UcspAnswer, name: string): string | undefined {
  const v = answer.trxInfo[name];
  return typeof v === 'string' ? v : undefined;
}
