/**
 * Auto-debit signing requests and contracts (PROFILE §6.5–§6.7): every (state × event) pair.
 */
import { describe, expect, it } from 'vitest';
import { UcspError } from '../errors/index.js';
import { closeContract, signingTransition, type Contract, type SigningEvent, type SigningRequest } from './contract-machine.js';
import { expectIllegal } from '../../test/support/expect-illegal.js';

type SigningStatus = SigningRequest['status'];

function signing(over: Partial<SigningRequest> = {}): SigningRequest {
  return {
    kind: 'SIGN',
    orderId: 'SIGN00000001',
    merId: '123456789012345',
    userId: 'user-001',
    frontUrl: 'https://partner.example/signed',
    backUrl: 'https://partner.example/notify',
    signId: 'S00000001',
    status: 'AWAITING_USER',
    createdAt: 1_000,
    ...over,
  };
}

function contract(over: Partial<Contract> = {}): Contract {
  return {
    contractId: 'C20261125173000000001',
    merId: '123456789012345',
    userId: 'user-001',
    signOrderId: 'SIGN00000001',
    status: 'ACTIVE',
    createdAt: 1_000,
    ...over,
  };
}


const EVENTS: Record<SigningEvent['type'], SigningEvent> = {
  agree: { type: 'agree', contractId: 'C20261125173500000009' },
  refuse: { type: 'refuse' },
};

describe('signingTransition: every state × event', () => {
  // [state, event, expected | null when illegal]
  const table: [SigningStatus, SigningEvent['type'], SigningStatus | null][] = [
    ['AWAITING_USER', 'agree', 'SIGNED'],
    ['AWAITING_USER', 'refuse', 'REFUSED'],
    ['SIGNED', 'agree', null],
    ['SIGNED', 'refuse', null],
    ['REFUSED', 'agree', null],
    ['REFUSED', 'refuse', null],
  ];

  it.each(table)('%s + %s → %s', (state, event, expected) => {
    const s = signing({ status: state, ...(state === 'SIGNED' ? { contractId: 'C20261125173000000001' } : {}) });
    const frozen = structuredClone(s);
    if (expected === null) expectIllegal(() => signingTransition(s, EVENTS[event]));
    else expect(signingTransition(s, EVENTS[event]).status).toBe(expected);
    expect(s).toEqual(frozen);
  });

  it('agree records the contractId; refuse records none', () => {
    expect(signingTransition(signing(), EVENTS.agree).contractId).toBe('C20261125173500000009');
    expect(signingTransition(signing(), EVENTS.refuse).contractId).toBeUndefined();
  });

  it('a second decision names the request and its state', () => {
    expect(() => signingTransition(signing({ status: 'REFUSED' }), EVENTS.agree)).toThrow(/SIGN00000001.*REFUSED.*agree/);
  });
});

describe('closeContract: every state × close', () => {
  // [state, expected status, expected closedAt]
  const table: [Contract['status'], Contract['status'], number][] = [
    ['ACTIVE', 'CLOSED', 7_000],
    ['CLOSED', 'CLOSED', 3_000], // closing twice is 00 and keeps the first closing time
  ];
  it.each(table)('%s + close → %s (closedAt %d)', (state, expected, closedAt) => {
    const c = contract({ status: state, ...(state === 'CLOSED' ? { closedAt: 3_000 } : {}) });
    const frozen = structuredClone(c);
    const next = closeContract(c, 7_000);
    expect(next.status).toBe(expected);
    expect(next.closedAt).toBe(closedAt);
    expect(next.contractId).toBe(c.contractId);
    expect(c).toEqual(frozen);
  });

  it('closing a closed contract returns it unchanged', () => {
    const closed = closeContract(contract(), 7_000);
    expect(closeContract(closed, 9_000)).toEqual(closed);
  });
});
