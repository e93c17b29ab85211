/**
 * The message types of PROFILE §6, their direction and the response codes each may carry, as
 * plain data: what the request path needs, without building schema objects. messages.ts builds the
 * schemas; a test checks that the codes here are the ones its schemas allow.
 */
export const MSG_TYPES = [
  'INDUSTRY_LOGIN_INFO',
  'SUBMIT_PAYMENT_ORDER',
  'PAYMENT_RESULT_NOTICE',
  'PAYMENT_RESULT_INQUIRY',
  'SIGN_AUTO_DEBIT',
  'SIGN_AUTO_DEBIT_NOTICE',
  'CLOSE_AUTO_DEBIT',
  'SUBMIT_AUTO_DEBIT',
  'PAYMENT_CANCELLATION',
  'PAYMENT_REFUND',
  'REFUND_RESULT_INQUIRY',
] as const;
export type MsgType = (typeof MSG_TYPES)[number];

/** Who sends the first message of the exchange. */
export type Direction = 'partner-to-ucsp' | 'ucsp-to-partner';
export type Role = 'request' | 'response';

export const DIRECTIONS: Record<MsgType, Direction> = {
  INDUSTRY_LOGIN_INFO: 'ucsp-to-partner',
  SUBMIT_PAYMENT_ORDER: 'partner-to-ucsp',
  PAYMENT_RESULT_NOTICE: 'ucsp-to-partner',
  PAYMENT_RESULT_INQUIRY: 'partner-to-ucsp',
  SIGN_AUTO_DEBIT: 'partner-to-ucsp',
  SIGN_AUTO_DEBIT_NOTICE: 'ucsp-to-partner',
  CLOSE_AUTO_DEBIT: 'partner-to-ucsp',
  SUBMIT_AUTO_DEBIT: 'partner-to-ucsp',
  PAYMENT_CANCELLATION: 'partner-to-ucsp',
  PAYMENT_REFUND: 'partner-to-ucsp',
  REFUND_RESULT_INQUIRY: 'partner-to-ucsp',
};

const ERR = ['10', '11', '99'];
/** Codes of the response (for notices also of the notice itself, as `request`). */
const CODES: Record<MsgType, { request?: string[]; response: string[] }> = {
  INDUSTRY_LOGIN_INFO: { response: [] },
  SUBMIT_PAYMENT_ORDER: { response: ['00', '34', '36', ...ERR] },
  PAYMENT_RESULT_NOTICE: { request: ['00', '01'], response: ['00', '34', '36', ...ERR] },
  PAYMENT_RESULT_INQUIRY: { response: ['00', '01', '05', '34', ...ERR] },
  SIGN_AUTO_DEBIT: { response: ['00', '36', ...ERR] },
  SIGN_AUTO_DEBIT_NOTICE: { request: ['00', '01'], response: ['00', '34', '36', ...ERR] },
  CLOSE_AUTO_DEBIT: { response: ['00', '34', '36', ...ERR] },
  SUBMIT_AUTO_DEBIT: { response: ['05', '01', '34', '36', ...ERR] },
  PAYMENT_CANCELLATION: { response: ['00', '05', '34', '36', ...ERR] },
  PAYMENT_REFUND: { response: ['00', '05', '34', '36', ...ERR] },
  REFUND_RESULT_INQUIRY: { response: ['00', '01', '05', '34', ...ERR] },
};

/** The messages the partner sends (its requests to UCSP). */
export const PARTNER_TO_UCSP_TYPES: readonly MsgType[] = MSG_TYPES.filter((t) => DIRECTIONS[t] === 'partner-to-ucsp');

export function isMsgType(s: unknown): s is MsgType {
  return typeof s === 'string' && (MSG_TYPES as readonly string[]).includes(s);
}

export function isPartnerToUcsp(t: string): boolean {
  return isMsgType(t) && DIRECTIONS[t] === 'partner-to-ucsp';
}

/** The response codes a message's response (or, for notices, the notice itself) may carry. */
export function allowedResponseCodes(msgType: MsgType, role: Role = 'response'): string[] {
  return [...((role === 'response' ? CODES[msgType].response : CODES[msgType].request) ?? [])];
}
