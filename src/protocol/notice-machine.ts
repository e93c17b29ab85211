/**
 * Delivery of one notice to the partner's backUrl (PROFILE §6.3): attempts at the offsets of the
 * retry schedule counted from the first attempt, until a valid signed 00 or the schedule runs out.
 *
 *   PENDING ──attempt ok──▶ DELIVERED
 *      │  └──attempt failed──▶ PENDING (next offset) … ──last failed──▶ GAVE_UP
 *      ├──drop──▶ DROPPED        (a fault: never sent; the partner must inquire)
 *      └──hold──▶ HELD ──release──▶ PENDING
 */
import { illegal } from './transition.js';

export type NoticeStatus = 'PENDING' | 'HELD' | 'DELIVERED' | 'GAVE_UP' | 'DROPPED';
export type NoticeType = 'PAYMENT_RESULT_NOTICE' | 'SIGN_AUTO_DEBIT_NOTICE';

export interface NoticeAttempt {
  n: number;
  /** scheduled: part of the schedule; extra: a resend, duplicate or tampered copy (never counts as delivery). */
  kind: 'scheduled' | 'extra';
  /** An altered copy: how (`signature`, `amount`, `edited: userId`, `result 01`, …). */
  tamper?: string;
  /** An altered copy's own msgID (it never reuses the notice's). */
  msgID?: string;
  at: number;
  durationMs: number;
  httpStatus?: number;
  responseCode?: string;
  ok: boolean;
  /** Why the attempt failed, for people. */
  problem?: string;
}

export interface NoticeRecord {
  id: string;
  msgType: NoticeType;
  orderId: string;
  backUrl: string;
  /** The signed text sent on every scheduled attempt (byte-identical retries). */
  text: string;
  msgID: string;
  status: NoticeStatus;
  createdAt: number;
  firstAttemptAt?: number;
  /** Index into the schedule of the next scheduled attempt. */
  nextIndex: number;
  nextAt?: number;
  attempts: NoticeAttempt[];
  /** A "backdate" fault: the timeStamp was stamped this many ms (wall clock) before it was first sent. */
  backdatedMs?: number;
}

export type NoticeEvent =
  | { type: 'attempted'; ok: boolean; at: number; schedule: readonly number[] }
  | { type: 'drop' }
  | { type: 'hold' }
  | { type: 'release'; at: number }
  | { type: 'delay'; until: number };

export function noticeTransition(n: NoticeRecord, e: NoticeEvent): NoticeRecord {
  const no = () => illegal(`notice ${n.id}`, n.status, e.type);
  switch (e.type) {
    case 'attempted': {
      if (n.status !== 'PENDING') return no();
      const first = n.firstAttemptAt ?? e.at;
      if (e.ok) return { ...n, firstAttemptAt: first, status: 'DELIVERED', nextAt: undefined, nextIndex: n.nextIndex + 1 };
      const nextIndex = n.nextIndex + 1;
      const offset = e.schedule[nextIndex];
      if (offset === undefined) return { ...n, firstAttemptAt: first, status: 'GAVE_UP', nextAt: undefined, nextIndex };
      return { ...n, firstAttemptAt: first, nextIndex, nextAt: Math.max(e.at, first + offset) };
    }
    case 'drop':
      return n.status === 'PENDING' || n.status === 'HELD' ? { ...n, status: 'DROPPED', nextAt: undefined } : no();
    case 'hold':
      return n.status === 'PENDING' ? { ...n, status: 'HELD', nextAt: undefined } : no();
    case 'release':
      return n.status === 'HELD' ? { ...n, status: 'PENDING', nextAt: e.at } : no();
    case 'delay':
      return n.status === 'PENDING' ? { ...n, nextAt: e.until } : no();
  }
}
