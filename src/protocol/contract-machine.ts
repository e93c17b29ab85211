/**
 * Auto-debit signing requests and contracts.
 *   signing: AWAITING_USER ──agree──▶ SIGNED (a contract is created, ACTIVE)
 *                         └─refuse──▶ REFUSED
 *   contract: ACTIVE ──close──▶ CLOSED ──close──▶ CLOSED (closing twice is 00)
 */
import { illegal } from './transition.js';

export const SIGNING_STATUSES = ['AWAITING_USER', 'SIGNED', 'REFUSED'] as const;

export interface SigningRequest {
  kind: 'SIGN';
  orderId: string;
  merId: string;
  userId: string;
  frontUrl: string;
  backUrl: string;
  signId: string;
  status: (typeof SIGNING_STATUSES)[number];
  contractId?: string;
  createdAt: number;
}

export interface Contract {
  contractId: string;
  merId: string;
  userId: string;
  signOrderId: string;
  status: 'ACTIVE' | 'CLOSED';
  createdAt: number;
  closedAt?: number;
}

export type SigningEvent = { type: 'agree'; contractId: string } | { type: 'refuse' };

export function signingTransition(s: SigningRequest, e: SigningEvent): SigningRequest {
  if (s.status !== 'AWAITING_USER') return illegal(`signing ${s.orderId}`, s.status, e.type);
  return e.type === 'agree' ? { ...s, status: 'SIGNED', contractId: e.contractId } : { ...s, status: 'REFUSED' };
}

export function closeContract(c: Contract, at: number): Contract {
  return c.status === 'CLOSED' ? c : { ...c, status: 'CLOSED', closedAt: at };
}
