/** A bare backUrl for tests: answers notices with a signed 00 (or HTTP 500 while `failing`). */
import { createServer, type Server } from 'node:http';
import { signMessage, type SignerCredentials } from '../../src/crypto/index.js';

export interface MiniPartner {
  url: string;
  failing: boolean;
  received: { msgType: string; orderId: string; code: string }[];
  /** Every notice's text, as received. */
  texts: string[];
  close(): Promise<void>;
}

export async function startMiniPartner(signer: SignerCredentials): Promise<MiniPartner> {
  const state: MiniPartner = { url: '', failing: false, received: [], texts: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.texts.push(Buffer.concat(chunks).toString('utf8'));
      const msg = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { msgInfo: { msgType: string }; trxInfo: Record<string, string>; msgResponse: { responseCode: string } };
      state.received.push({ msgType: msg.msgInfo.msgType, orderId: msg.trxInfo.orderId ?? '', code: msg.msgResponse.responseCode });
      if (state.failing) {
        res.writeHead(500).end('down');
        return;
      }
      const answer = signMessage({ msgInfo: msg.msgInfo, trxInfo: { orderId: msg.trxInfo.orderId, merId: msg.trxInfo.merId }, msgResponse: { responseCode: '00', responseMsg: 'Approved' } }, signer);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/notify`;
  state.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
