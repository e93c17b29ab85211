/**
 * Closed sets of values the control API accepts that have no other home. The control routes check
 * requests against them, and the scenario loader checks scenario files against the same lists.
 */
import type { MsgType } from '../schemas/message-types.js';

/**
 * How `POST /control/login` breaks the hand-off (`msg-type`: validly signed, but not an
 * INDUSTRY_LOGIN_INFO; the others are described in src/sandbox/login-handoff.ts and the README).
 */
export const LOGIN_TAMPERS = ['signature', 'stale', 'replay', 'wrong-cert', 'msg-type', 'future', 'unsigned', 'no-signature', 'bad-encoding', 'not-json', 'truncated', 'other-ins-id'] as const;
export type LoginTamper = (typeof LOGIN_TAMPERS)[number];

/** The user's answer to a signing request (`POST /control/sign`). */
export const SIGN_DECISIONS = ['agree', 'refuse'] as const;

/** The notices a notice fault (`POST /control/notices/faults`) may be scoped to. */
export const FAULTABLE_NOTICE_TYPES = ['PAYMENT_RESULT_NOTICE', 'SIGN_AUTO_DEBIT_NOTICE'] as const satisfies readonly MsgType[];
