/**
 * The mock issuer's decisions (PROFILE §1): by test card, by amount, or as set through the control
 * API. Pure: given a behaviour and the time, what the issuer says now and when it decides.
 */
export type IssuerBehaviour = 'approve' | 'decline' | 'pending-approve' | 'pending-decline' | 'silent' | 'error' | 'slow';
export const ISSUER_BEHAVIOURS: readonly IssuerBehaviour[] = ['approve', 'decline', 'pending-approve', 'pending-decline', 'silent', 'error', 'slow'];

/** How long pending outcomes take, in (virtual) milliseconds. */
export const PENDING_MS = 5_000;
export const SLOW_MS = 20_000;

function luhn(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

export interface TestCard {
  pan: string;
  behaviour: IssuerBehaviour;
  label: string;
}

/** UnionPay-range test PANs (Luhn-valid, never real). */
export const TEST_CARDS: readonly TestCard[] = [
  { pan: luhn('621234560000001'), behaviour: 'approve', label: 'approves' },
  { pan: luhn('621234560000002'), behaviour: 'decline', label: 'declines (01)' },
  { pan: luhn('621234560000003'), behaviour: 'pending-approve', label: 'pending, then approves (+5 s, issuer notifies)' },
  { pan: luhn('621234560000004'), behaviour: 'pending-decline', label: 'pending, then declines (+5 s, issuer notifies)' },
  { pan: luhn('621234560000005'), behaviour: 'silent', label: 'no answer until inquired (approves, found by inquiry)' },
  { pan: luhn('621234560000006'), behaviour: 'error', label: 'system error (99)' },
  { pan: luhn('621234560000007'), behaviour: 'slow', label: 'slow answer (+20 s, then approves)' },
];
export const DEFAULT_CARD = TEST_CARDS[0]!.pan;

/** Magic amounts (minor units) that force a behaviour whatever the card: 99.01 … 99.06 in a 2-decimal currency. */
export const AMOUNT_RULES: Readonly<Record<string, IssuerBehaviour>> = {
  '9901': 'decline',
  '9902': 'pending-approve',
  '9903': 'pending-decline',
  '9904': 'silent',
  '9905': 'error',
  '9906': 'slow',
};

/** Precedence: explicit override (control API) > amount rule > card rule > approve. */
export function decideBehaviour(input: { override?: IssuerBehaviour; txnAmt: string; card?: string }): IssuerBehaviour {
  if (input.override) return input.override;
  const byAmount = AMOUNT_RULES[input.txnAmt];
  if (byAmount) return byAmount;
  const byCard = TEST_CARDS.find((c) => c.pan === input.card);
  return byCard?.behaviour ?? 'approve';
}

export type IssuerStatus = 'PENDING' | 'APPROVED' | 'DECLINED';

export interface IssuerTxn {
  ref: string;
  orderId: string;
  kind: 'PAY' | 'CANCEL' | 'REFUND';
  txnAmt: string;
  currencyCode: string;
  card?: string;
  behaviour: IssuerBehaviour;
  status: IssuerStatus;
  /** When a pending transaction becomes final. */
  decidesAt?: number;
  finalStatus?: 'APPROVED' | 'DECLINED';
  /** Whether the issuer tells UCSP by itself when it decides (silent ones wait to be asked). */
  notifies: boolean;
  inquiries: number;
  createdAt: number;
}

/** Starts a transaction. `error` is answered synchronously and stores nothing (returns undefined). */
export function startIssuerTxn(base: Omit<IssuerTxn, 'status' | 'decidesAt' | 'finalStatus' | 'notifies' | 'inquiries'>, now: number): IssuerTxn | undefined {
  const t = { ...base, inquiries: 0 };
  switch (base.behaviour) {
    case 'approve':
      return { ...t, status: 'APPROVED', notifies: true };
    case 'decline':
      return { ...t, status: 'DECLINED', notifies: true };
    case 'pending-approve':
      return { ...t, status: 'PENDING', decidesAt: now + PENDING_MS, finalStatus: 'APPROVED', notifies: true };
    case 'pending-decline':
      return { ...t, status: 'PENDING', decidesAt: now + PENDING_MS, finalStatus: 'DECLINED', notifies: true };
    case 'silent':
      return { ...t, status: 'PENDING', decidesAt: now + PENDING_MS, finalStatus: 'APPROVED', notifies: false };
    case 'slow':
      return { ...t, status: 'PENDING', decidesAt: now + SLOW_MS, finalStatus: 'APPROVED', notifies: true };
    case 'error':
      return undefined;
  }
}

/** The issuer's status at `now` (a pending transaction whose time has come is final). */
export function issuerStatusAt(t: IssuerTxn, now: number): IssuerTxn {
  if (t.status === 'PENDING' && t.decidesAt !== undefined && now >= t.decidesAt && t.finalStatus) {
    return { ...t, status: t.finalStatus };
  }
  return t;
}
