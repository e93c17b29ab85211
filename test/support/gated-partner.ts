/**
 * A backUrl whose answers the test lets go one by one: each notice is held on arrival until the
 * test releases it, so a test can observe the sandbox while an attempt is in flight — by events,
 * without sleeping. Answers are a signed 00 echoing msgInfo.
 */
import { createServer, type Server } from 'node:http';
import { signMessage, type SignerCredentials } from '../../src/crypto/index.js';

export interface Arrival {
  orderId: string;
  msgType: string;
  /** Lets the answer go. */
  release(): void;
}

export interface GatedPartner {
  url: string;
  /** Resolves at the next arrival (or at once with one that came and was not yet taken). */
  next(): Promise<Arrival>;
  /** Number of notices received so far. */
  readonly count: number;
  close(): Promise<void>;
}

export async function startGatedPartner(signer: SignerCredentials): Promise<GatedPartner> {
  const queued: Arrival[] = [];
  const waiting: ((a: Arrival) => void)[] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count++;
      const msg = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { msgInfo: { msgType: string }; trxInfo: Record<string, string> };
      const arrival: Arrival = {
        orderId: msg.trxInfo.orderId ?? '',
        msgType: msg.msgInfo.msgType,
        release: () => {
          const answer = signMessage({ msgInfo: msg.msgInfo, trxInfo: { orderId: msg.trxInfo.orderId, merId: msg.trxInfo.merId }, msgResponse: { responseCode: '00', responseMsg: 'Approved' } }, signer);
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(answer);
        },
      };
      const w = waiting.shift();
      if (w) w(arrival);
      else queued.push(arrival);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/notify`;
  return {
    url,
    next: () => {
      const a = queued.shift();
      return a ? Promise.resolve(a) : new Promise((r) => waiting.push(r));
    },
    get count() {
      return count;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
