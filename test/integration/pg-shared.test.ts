/**
 * Two sandbox runtimes on one PostgreSQL database (in process, each with its own store and pool,
 * as two instances would be): the database decides what must hold across them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage } from '../../src/crypto/index.js';
import { TEST_CARDS } from '../../src/protocol/issuer-rules.js';
import { PgStore } from '../../src/store/pg-store.js';
import { makeHarness, PARTNER } from '../support/harness.js';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../support/pg.js';

const skip = postgresSkipReason();
const APPROVE = TEST_CARDS.find((c) => c.behaviour === 'approve')!.pan;
let db: TestDatabase;
let a: ReturnType<typeof makeHarness>;
let b: ReturnType<typeof makeHarness>;

const instance = async () => makeHarness({}, { store: await PgStore.open({ url: db.url, insID: PARTNER.insID, poolSize: 4, journalLimit: 1000 }) });

describe.skipIf(skip !== undefined)('two instances on one PostgreSQL database', () => {
  beforeAll(async () => {
    db = await createTestDatabase('ucsp_shared');
    a = await instance();
    b = await instance();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  /** One partner (one msgID sequence: a's) sending to either instance. */
  async function sendVia(h: typeof a, msgType: string, trx: Record<string, string>) {
    const text = signMessage(a.message(msgType, trx), a.partner);
    return a.parseAnswer((await h.runtime.handleApiAsync(Buffer.from(text))).text);
  }

  async function paidOrder(txnAmt: string) {
    const trx = a.orderTrx({ txnAmt });
    expect((await a.sendAsync('SUBMIT_PAYMENT_ORDER', trx)).code).toBe('00');
    a.runtime.pay({ orderId: trx.orderId }, APPROVE);
    await a.runtime.persistAsync();
    return { orderId: trx.orderId, queryId: a.runtime.ledger.payment(trx.orderId)!.queryId! };
  }

  it('an order taken by one instance is known to the other: the same orderId again is refused there', async () => {
    const trx = a.orderTrx();
    expect((await a.sendAsync('SUBMIT_PAYMENT_ORDER', trx)).code).toBe('00');
    const again = await sendVia(b, 'SUBMIT_PAYMENT_ORDER', { ...trx, txnAmt: '999' });
    expect(again.code).not.toBe('00');
    expect(b.runtime.ledger.payment(trx.orderId)?.txnAmt).toBe(trx.txnAmt);
  });

  it('concurrent refunds of one order spread over both instances never exceed its amount', async () => {
    const { orderId, queryId } = await paidOrder('1000');
    const refund = (h: typeof a) =>
      sendVia(h, 'PAYMENT_REFUND', { orderId: a.newOrderId(h === a ? 'RA' : 'RB'), origQryId: queryId, merId: PARTNER.merId, txnAmt: '300', currencyCode: '344', txnTime: a.wireNow(), backUrl: 'http://127.0.0.1:9/n' });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => refund(i % 2 ? b : a)));
    const accepted = answers.filter((x) => x.code === '00').length;
    // 3 × 300 fit in 1000, a fourth does not: exactly three are taken, whichever instance got them
    expect(accepted).toBe(3);
    await a.runtime.persistAsync();
    await b.runtime.persistAsync();
    const stored = (await db.query<{ value: { refundedAmt: number; reservedAmt: number; txnAmt: string } }>("SELECT value FROM ucsp_orders WHERE id = $1", [orderId])).rows[0]!.value;
    expect(stored.refundedAmt + stored.reservedAmt).toBe(900);
    const refunds = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM ucsp_orders WHERE value->>'origOrderId' = $1", [orderId])).rows[0]!.n;
    expect(refunds).toBe(3);
  });

  it('one msgID with two contents on the two instances at once: one 00, one 11', async () => {
    const msgID = `P${PARTNER.insID}${a.wireNow()}999999`;
    const one = signMessage(a.message('SUBMIT_PAYMENT_ORDER', a.orderTrx(), { msgID }), a.partner);
    const two = signMessage(a.message('SUBMIT_PAYMENT_ORDER', a.orderTrx(), { msgID }), a.partner);
    const answers = await Promise.all([a.runtime.handleApiAsync(Buffer.from(one)), b.runtime.handleApiAsync(Buffer.from(two))]);
    expect(answers.map((x) => x.code).sort()).toEqual(['00', '11']);
    // and the same bytes again on either instance get the first answer, byte for byte
    const first = answers.find((x) => x.code === '00')!;
    const firstBytes = first === answers[0] ? one : two;
    expect((await b.runtime.handleApiAsync(Buffer.from(firstBytes))).text).toBe(first.text);
    expect((await a.runtime.handleApiAsync(Buffer.from(firstBytes))).text).toBe(first.text);
  });

  it('each instance hands out its own ids: tn values never collide', async () => {
    const tns = new Set<string>();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => sendVia(i % 2 ? b : a, 'SUBMIT_PAYMENT_ORDER', a.orderTrx())));
    for (const x of answers) {
      expect(x.code).toBe('00');
      tns.add(x.msg.trxInfo.tn!);
    }
    expect(tns.size).toBe(10);
  });

  it('what the control API sets on one instance for what comes next applies on the other, once', async () => {
    a.runtime.forceAnswer('34', 'SUBMIT_PAYMENT_ORDER');
    a.runtime.setOutcome('decline');
    await a.runtime.persistAsync();
    // b takes the forced answer (34, changing nothing)
    expect((await sendVia(b, 'SUBMIT_PAYMENT_ORDER', a.orderTrx())).code).toBe('34');
    await b.runtime.persistAsync();
    // taken on b: gone on a too
    expect((await sendVia(a, 'SUBMIT_PAYMENT_ORDER', a.orderTrx())).code).toBe('00');
    // the issuer outcome a was told applies to the payment b's user makes
    const trx = a.orderTrx();
    expect((await sendVia(b, 'SUBMIT_PAYMENT_ORDER', trx)).code).toBe('00');
    expect(b.runtime.pay({ orderId: trx.orderId }, APPROVE).behaviour).toBe('decline');

    // a fault on UCSP's next answer, set on a, corrupts b's answer; then it is spent on both
    a.runtime.answerFaults.add({ fault: 'signature', msgType: 'SUBMIT_PAYMENT_ORDER' });
    await a.runtime.persistAsync();
    await b.runtime.persistAsync();
    expect(b.runtime.answerFaults.list()).toHaveLength(1);
    const faulted = await b.runtime.handleApiAsync(Buffer.from(signMessage(a.message('SUBMIT_PAYMENT_ORDER', a.orderTrx()), a.partner)));
    expect(() => a.parseAnswer(faulted.text)).toThrow(/not validly signed/);
    await b.runtime.persistAsync();
    await a.runtime.persistAsync();
    expect(a.runtime.answerFaults.list()).toEqual([]);
    expect((await sendVia(a, 'SUBMIT_PAYMENT_ORDER', a.orderTrx())).code).toBe('00');

    // and a notice fault set on b is a's to apply
    b.runtime.notices.faults.add({ action: 'hold', orderId: 'SOME-ORDER' });
    await b.runtime.persistAsync();
    await a.runtime.persistAsync();
    expect(a.runtime.notices.faults.list()).toMatchObject([{ action: 'hold', orderId: 'SOME-ORDER' }]);
  });

  it('a clock moved on one instance is followed by the other before it takes a request (nothing falling due on the way)', async () => {
    a.runtime.reset();
    await a.runtime.persistAsync();
    await b.runtime.persistAsync();
    await a.runtime.clock.advance(60_000);
    await a.runtime.persistAsync();
    const trx = a.orderTrx();
    expect((await sendVia(b, 'SUBMIT_PAYMENT_ORDER', trx)).code).toBe('00');
    expect(b.runtime.journalEntries({ orderId: trx.orderId })[0]!.at).toBe(a.runtime.clock.now());
  });

  it("the journal of each instance shows the other's wire traffic too, answers after their requests", async () => {
    const trx = a.orderTrx();
    expect((await sendVia(b, 'SUBMIT_PAYMENT_ORDER', trx)).code).toBe('00');
    await a.runtime.persistAsync();
    const seen = a.runtime.journalEntries({ orderId: trx.orderId });
    const req = seen.find((e) => e.direction === 'in')!;
    const ans = seen.find((e) => e.direction === 'out')!;
    expect(ans.replyTo).toBe(req.seq);
  });
});
