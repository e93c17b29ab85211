/**
 * The mock issuer (PROFILE §1): test cards, magic amounts, the precedence
 * override > amount rule > card rule > approve, and each behaviour's life.
 */
import { describe, expect, it } from 'vitest';
import {
  AMOUNT_RULES,
  DEFAULT_CARD,
  ISSUER_BEHAVIOURS,
  PENDING_MS,
  SLOW_MS,
  TEST_CARDS,
  decideBehaviour,
  issuerStatusAt,
  startIssuerTxn,
  type IssuerBehaviour,
  type IssuerStatus,
  type IssuerTxn,
} from './issuer-rules.js';

/** Independent Luhn check of a whole PAN. */
function luhnValid(pan: string): boolean {
  let sum = 0;
  for (let i = 0; i < pan.length; i++) {
    let d = Number(pan[pan.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const card = (b: IssuerBehaviour): string => TEST_CARDS.find((c) => c.behaviour === b)!.pan;
const UNKNOWN_CARD = '6212345699999999';

describe('TEST_CARDS', () => {
  it('one card per behaviour, in behaviour order', () => {
    expect(TEST_CARDS.map((c) => c.behaviour)).toEqual([...ISSUER_BEHAVIOURS]);
  });

  it.each(TEST_CARDS.map((c) => [c.behaviour, c.pan] as const))('%s: %s is a 16-digit UnionPay-range Luhn-valid PAN', (_b, pan) => {
    expect(pan).toMatch(/^62[0-9]{14}$/);
    expect(luhnValid(pan)).toBe(true);
  });

  it('the luhn self-check rejects a PAN with a wrong check digit', () => {
    const pan = TEST_CARDS[0]!.pan;
    const wrong = pan.slice(0, -1) + String((Number(pan.at(-1)) + 1) % 10);
    expect(luhnValid(wrong)).toBe(false);
  });

  it('PANs are distinct and the default card approves', () => {
    expect(new Set(TEST_CARDS.map((c) => c.pan)).size).toBe(TEST_CARDS.length);
    expect(DEFAULT_CARD).toBe(card('approve'));
  });
});

describe('AMOUNT_RULES', () => {
  it.each([
    ['9901', 'decline'],
    ['9902', 'pending-approve'],
    ['9903', 'pending-decline'],
    ['9904', 'silent'],
    ['9905', 'error'],
    ['9906', 'slow'],
  ] as const)('%s → %s', (amt, behaviour) => {
    expect(AMOUNT_RULES[amt]).toBe(behaviour);
  });

  it('has no other magic amounts', () => {
    expect(Object.keys(AMOUNT_RULES).sort()).toEqual(['9901', '9902', '9903', '9904', '9905', '9906']);
  });
});

describe('decideBehaviour: override > amount rule > card rule > approve', () => {
  // [why, input, expected]
  const table: [string, Parameters<typeof decideBehaviour>[0], IssuerBehaviour][] = [
    ['nothing special', { txnAmt: '1000' }, 'approve'],
    ['unknown card', { txnAmt: '1000', card: UNKNOWN_CARD }, 'approve'],
    ['card rule: decline card', { txnAmt: '1000', card: card('decline') }, 'decline'],
    ['card rule: pending-approve card', { txnAmt: '1000', card: card('pending-approve') }, 'pending-approve'],
    ['card rule: pending-decline card', { txnAmt: '1000', card: card('pending-decline') }, 'pending-decline'],
    ['card rule: silent card', { txnAmt: '1000', card: card('silent') }, 'silent'],
    ['card rule: error card', { txnAmt: '1000', card: card('error') }, 'error'],
    ['card rule: slow card', { txnAmt: '1000', card: card('slow') }, 'slow'],
    ['card rule: approve card', { txnAmt: '1000', card: card('approve') }, 'approve'],
    ['amount rule without card', { txnAmt: '9901' }, 'decline'],
    ['amount rule beats card rule', { txnAmt: '9902', card: card('decline') }, 'pending-approve'],
    ['amount rule beats the approving card', { txnAmt: '9905', card: card('approve') }, 'error'],
    ['amount near a magic one is not magic', { txnAmt: '99010', card: card('approve') }, 'approve'],
    ['9907 is not magic', { txnAmt: '9907' }, 'approve'],
    ['override beats amount and card', { override: 'approve', txnAmt: '9901', card: card('decline') }, 'approve'],
    ['override beats card', { override: 'silent', txnAmt: '1000', card: card('slow') }, 'silent'],
    ['override alone', { override: 'pending-decline', txnAmt: '1000' }, 'pending-decline'],
    ['undefined override falls through', { override: undefined, txnAmt: '9906', card: card('decline') }, 'slow'],
  ];
  it.each(table)('%s → %s', (_why, input, expected) => {
    expect(decideBehaviour(input)).toBe(expected);
  });

  it.each(ISSUER_BEHAVIOURS.map((b) => [b]))('override %s always wins', (b) => {
    expect(decideBehaviour({ override: b, txnAmt: '9901', card: card('silent') })).toBe(b);
  });
});

describe('startIssuerTxn and issuerStatusAt: each behaviour', () => {
  const NOW = 1_000_000;
  const base = (behaviour: IssuerBehaviour) => ({
    ref: 'ORDER0001',
    orderId: 'ORDER0001',
    kind: 'PAY' as const,
    txnAmt: '1000',
    currencyCode: '344',
    card: card(behaviour),
    behaviour,
    createdAt: NOW,
  });

  // [behaviour, initial status, final status, ms until final (0 = at once), issuer notifies by itself]
  const table: [Exclude<IssuerBehaviour, 'error'>, IssuerStatus, 'APPROVED' | 'DECLINED', number, boolean][] = [
    ['approve', 'APPROVED', 'APPROVED', 0, true],
    ['decline', 'DECLINED', 'DECLINED', 0, true],
    ['pending-approve', 'PENDING', 'APPROVED', PENDING_MS, true],
    ['pending-decline', 'PENDING', 'DECLINED', PENDING_MS, true],
    ['silent', 'PENDING', 'APPROVED', PENDING_MS, false],
    ['slow', 'PENDING', 'APPROVED', SLOW_MS, true],
  ];

  it('the delays are 5 s (pending, silent) and 20 s (slow)', () => {
    expect(PENDING_MS).toBe(5_000);
    expect(SLOW_MS).toBe(20_000);
  });

  it.each(table)('%s starts %s, ends %s after %d ms, notifies %s', (behaviour, initial, final, afterMs, notifies) => {
    const t = startIssuerTxn(base(behaviour), NOW)!;
    expect(t).toBeDefined();
    expect(t).toMatchObject({ ...base(behaviour), status: initial, notifies, inquiries: 0 });
    if (afterMs === 0) {
      expect(t.decidesAt).toBeUndefined();
      // final at once and stays so
      expect(issuerStatusAt(t, NOW).status).toBe(final);
      expect(issuerStatusAt(t, NOW + 10 * SLOW_MS).status).toBe(final);
    } else {
      expect(t.decidesAt).toBe(NOW + afterMs);
      expect(t.finalStatus).toBe(final);
      expect(issuerStatusAt(t, NOW).status).toBe('PENDING');
      expect(issuerStatusAt(t, NOW + afterMs - 1).status).toBe('PENDING');
      expect(issuerStatusAt(t, NOW + afterMs).status).toBe(final);
      expect(issuerStatusAt(t, NOW + afterMs + 60_000).status).toBe(final);
    }
  });

  it("'error' is answered at once and stores nothing", () => {
    expect(startIssuerTxn(base('error'), NOW)).toBeUndefined();
  });

  it('issuerStatusAt is pure and keeps the rest of the transaction', () => {
    const t = startIssuerTxn(base('pending-decline'), NOW)!;
    const frozen = structuredClone(t);
    const later = issuerStatusAt(t, NOW + PENDING_MS);
    expect(t).toEqual(frozen);
    expect(later).toEqual({ ...t, status: 'DECLINED' });
  });

  it('a pending transaction without a decision time stays pending', () => {
    const t: IssuerTxn = { ...startIssuerTxn(base('silent'), NOW)!, decidesAt: undefined };
    expect(issuerStatusAt(t, NOW + 10 * SLOW_MS).status).toBe('PENDING');
  });

  it.each(['CANCEL', 'REFUND'] as const)('%s transactions follow the same rules', (kind) => {
    const t = startIssuerTxn({ ...base('pending-approve'), kind, card: undefined }, NOW)!;
    expect(t.kind).toBe(kind);
    expect(issuerStatusAt(t, NOW + PENDING_MS).status).toBe('APPROVED');
  });
});
