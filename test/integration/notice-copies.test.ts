/**
 * Notices that are not the genuine notice (tampered, edited, conflicting copies: each a message of
 * its own, with a fresh msgID and timeStamp) and notices stamped long ago (the "backdate" fault),
 * through the real dispatcher, delivered over loopback HTTP to a bare backUrl. Manual clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrustStore, verifyMessage } from '../../src/crypto/index.js';
import { parseUcspTime } from '../../src/protocol/time.js';
import { makeHarness, PARTNER, type Harness } from '../support/harness.js';
import { startMiniPartner, type MiniPartner } from '../support/mini-partner.js';

let h: Harness;
let mini: MiniPartner;
beforeEach(async () => {
  h = makeHarness();
  mini = await startMiniPartner(h.partner);
});
afterEach(async () => {
  h.close();
  await mini.close();
});

type Msg = { msgInfo: Record<string, string>; trxInfo: Record<string, string>; msgResponse: { responseCode: string } };
const parse = (text: string) => JSON.parse(text) as Msg;
const settle = async () => expect((await h.runtime.settle(15_000)).settled).toBe(true);

async function paid(): Promise<{ orderId: string; queryId: string }> {
  const trx = h.orderTrx({ backUrl: mini.url });
  expect(h.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
  h.runtime.pay({ orderId: trx.orderId });
  await settle();
  return { orderId: trx.orderId, queryId: h.runtime.ledger.payment(trx.orderId)!.queryId! };
}

describe('the backdate fault', () => {
  it('stamps the notice hours in the past on the wall clock, validly signed, and its retries repeat it byte for byte', async () => {
    h.runtime.notices.faults.add({ action: 'backdate', ageMs: 6 * 3_600_000 });
    mini.failing = true;
    const before = Date.now();
    const { orderId } = await paid();
    const [n] = h.runtime.notices.list({ orderId });
    expect(n!.backdatedMs).toBe(6 * 3_600_000);
    const sent = parse(mini.texts[0]!);
    const age = before - parseUcspTime(sent.msgInfo.timeStamp!, h.config.zone);
    expect(age).toBeGreaterThan(6 * 3_600_000 - 60_000);
    expect(age).toBeLessThan(6 * 3_600_000 + 60_000);
    expect(sent.msgInfo.msgID).toContain(sent.msgInfo.timeStamp);
    expect(verifyMessage(mini.texts[0]!, new TrustStore([h.ucsp.certificate])).valid).toBe(true);
    // the retry 15 s later (virtual) is the same bytes: the same old timeStamp
    mini.failing = false;
    await h.runtime.clock.advance(15_000);
    await settle();
    expect(mini.texts).toHaveLength(2);
    expect(mini.texts[1]).toBe(mini.texts[0]);
    expect(h.runtime.notices.get(n!.id)!.status).toBe('DELIVERED');
    const note = h.runtime.journalEntries({ orderId, channel: 'notice' }).find((e) => e.direction === 'out')!.note;
    expect(note).toMatch(/back-dated 6 h/);
  });

  it('applies to one notice only', async () => {
    h.runtime.notices.faults.add({ action: 'backdate', ageMs: 3_600_000 });
    const a = await paid();
    const b = await paid();
    expect(h.runtime.notices.list({ orderId: a.orderId })[0]!.backdatedMs).toBe(3_600_000);
    expect(h.runtime.notices.list({ orderId: b.orderId })[0]!.backdatedMs).toBeUndefined();
    expect(Math.abs(Date.now() - parseUcspTime(parse(mini.texts[1]!).msgInfo.timeStamp!, h.config.zone))).toBeLessThan(60_000);
  });
});

describe('copies of a notice', () => {
  it('a tamper fault: the tampered copy goes first with its own msgID and timeStamp, then the genuine notice', async () => {
    h.runtime.notices.faults.add({ action: 'tamper', tamper: 'amount' });
    const { orderId } = await paid();
    expect(mini.texts).toHaveLength(2);
    const [copy, genuine] = mini.texts.map(parse);
    expect(copy!.trxInfo.txnAmt).toBe('1235');
    expect(genuine!.trxInfo.txnAmt).toBe('1234');
    expect(copy!.msgInfo.msgID).not.toBe(genuine!.msgInfo.msgID);
    const n = h.runtime.notices.list({ orderId })[0]!;
    expect(n.msgID).toBe(genuine!.msgInfo.msgID);
    expect(n.attempts.find((a) => a.kind === 'extra')).toMatchObject({ tamper: 'amount', msgID: copy!.msgInfo.msgID });
    // the journal files the copy under its own msgID
    const out = h.runtime.journalEntries({ orderId, channel: 'notice' }).filter((e) => e.direction === 'out');
    expect(out.map((e) => e.msgID)).toEqual([copy!.msgInfo.msgID, genuine!.msgInfo.msgID]);
  });

  it('a tamper fault waits for a notice that has the field it changes (orig-qry-id: a refund, not the payment)', async () => {
    h.runtime.notices.faults.add({ action: 'tamper', tamper: 'orig-qry-id' });
    const { orderId, queryId } = await paid();
    expect(mini.texts).toHaveLength(1);
    expect(h.runtime.notices.faults.list()).toHaveLength(1);
    const refundId = h.newOrderId('RFD');
    const r = h.send('PAYMENT_REFUND', { orderId: refundId, origQryId: queryId, merId: PARTNER.merId, txnAmt: '100', currencyCode: '344', txnTime: h.wireNow(), backUrl: mini.url });
    expect(['00', '05']).toContain(r.code);
    await settle();
    const refundTexts = mini.texts.slice(1).map(parse);
    expect(refundTexts.map((m) => m.trxInfo.origQryId)).toEqual([expect.not.stringMatching(queryId), queryId]);
    expect(h.runtime.notices.faults.list()).toHaveLength(0);
    expect(orderId).not.toBe(refundId);
  });

  it('result: a second, conflicting notice for an order already notified; the notice itself is unchanged', async () => {
    const { orderId } = await paid();
    const n = h.runtime.notices.list({ orderId })[0]!;
    expect(n.status).toBe('DELIVERED');
    const { attempt, text } = await h.runtime.notices.sendExtra(n.id, { result: '01' });
    expect(attempt).toMatchObject({ kind: 'extra', tamper: 'result 01', ok: true });
    const conflicting = parse(text);
    expect(conflicting.msgResponse.responseCode).toBe('01');
    expect(conflicting.msgInfo.msgID).not.toBe(n.msgID);
    expect(verifyMessage(text, new TrustStore([h.ucsp.certificate])).valid).toBe(true);
    expect(mini.received.map((r) => r.code)).toEqual(['00', '01']);
    expect(h.runtime.notices.get(n.id)!.text).toBe(n.text);
  });

  it('an altered copy the partner accepts does not deliver a held notice; a byte-identical resend does', async () => {
    h.runtime.notices.faults.add({ action: 'hold' });
    const { orderId } = await paid();
    const n = h.runtime.notices.list({ orderId })[0]!;
    expect(n.status).toBe('HELD');
    await h.runtime.notices.sendExtra(n.id, { edit: { settleDate: '0101' } });
    expect(h.runtime.notices.get(n.id)!.status).toBe('HELD');
    const resend = await h.runtime.notices.sendExtra(n.id);
    expect(resend.text).toBe(n.text);
    expect(h.runtime.notices.get(n.id)!.status).toBe('DELIVERED');
  });
});

describe('the control API', () => {
  async function withControl<T>(fn: (call: (path: string, body: unknown) => Promise<{ status: number; json: any }>) => Promise<T>): Promise<T> {
    const express = (await import('express')).default;
    const { controlRouter } = await import('../../src/servers/control-routes.js');
    const app = express();
    app.use('/control', controlRouter(h.runtime));
    const server = await new Promise<import('node:http').Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/control`;
    try {
      return await fn(async (path, body) => {
        const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: res.status, json: await res.json() };
      });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }

  it('backdate needs ageMs of at least a second; result is 00 or 01; the answer shows the copy sent', async () => {
    await withControl(async (call) => {
      expect((await call('/notices/faults', { action: 'backdate' })).status).toBe(400);
      expect((await call('/notices/faults', { action: 'backdate', ageMs: 10 })).status).toBe(400);
      const ok = await call('/notices/faults', { action: 'backdate', ageMs: 21_600_000 });
      expect(ok.status).toBe(201);
      expect(ok.json).toMatchObject({ action: 'backdate', ageMs: 21_600_000 });
      const { orderId } = await paid();
      const n = h.runtime.notices.list({ orderId })[0]!;
      expect((await call(`/notices/${n.id}/send`, { result: '05' })).status).toBe(400);
      expect((await call(`/notices/${n.id}/send`, { tamper: 'orig-qry-id' })).status).toBe(409);
      const sent = await call(`/notices/${n.id}/send`, { result: '01' });
      expect(sent.status).toBe(200);
      expect(sent.json.copy.msgResponse.responseCode).toBe('01');
      expect(sent.json.copy.msgInfo.msgID).not.toBe(n.msgID);
      expect(sent.json.attempt).toMatchObject({ kind: 'extra', tamper: 'result 01', msgID: sent.json.copy.msgInfo.msgID });
    });
  });
});
