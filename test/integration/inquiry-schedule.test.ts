/**
 * UCSP's inquiries of the downstream system after an accepted asynchronous transaction (PROFILE
 * §6.8): waits of 0, 1, 2, 4, 8, 16, 32 s between inquiries by default, so a silent issuer's
 * approval (+5 s) is found at +7 s; offsets from the start as the profile option (found at +8 s).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../../src/protocol/issuer-rules.js';
import { makeHarness, type Harness } from '../support/harness.js';

const SILENT = TEST_CARDS.find((c) => c.behaviour === 'silent')!.pan;
let h: Harness | undefined;
afterEach(() => h?.close());

async function inquiryOffsets(mode?: 'waits' | 'offsets') {
  h = makeHarness(mode ? { inquiryScheduleMode: mode } : {});
  const trx = h.orderTrx();
  expect(h.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
  h.runtime.pay({ orderId: trx.orderId }, SILENT);
  const found: number[] = [];
  for (let s = 0; s <= 70 && h.runtime.ledger.payment(trx.orderId)!.status === 'PROCESSING'; s++) {
    await h.clock.advance(s === 0 ? 0 : 1000);
    if (h.runtime.ledger.payment(trx.orderId)!.status === 'APPROVED') found.push(s);
  }
  const inquiries = h.runtime.journal
    .query({ orderId: trx.orderId, channel: 'issuer' })
    .filter((e) => e.direction === 'out')
    .map((e) => (JSON.parse(e.raw) as { offsetMs: number }).offsetMs / 1000);
  return { inquiries, foundAt: found[0] };
}

describe("UCSP's inquiry schedule", () => {
  it('by default the waits double: inquiries at +0, 1, 3, 7 s; the approval (+5 s) is found at +7 s', async () => {
    expect(await inquiryOffsets()).toEqual({ inquiries: [0, 1, 3, 7], foundAt: 7 });
  });
  it('with inquiryScheduleMode "offsets": inquiries at +0, 1, 2, 4, 8 s; found at +8 s', async () => {
    expect(await inquiryOffsets('offsets')).toEqual({ inquiries: [0, 1, 2, 4, 8], foundAt: 8 });
  });
});
