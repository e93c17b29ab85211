/**
 * The ceiling for one core: a bare node:http server doing only the unavoidable work of the gateway
 * per request — read the body, JSON.parse, one RSA verify over the body with the placeholder put
 * back (PROFILE §4), one RSA sign of a compact JSON answer of the same shape, answer 200.
 * Usage: node --import tsx bench/limit-server.ts <keysDir>; prints {"api": url} when ready.
 */
import { createServer } from 'node:http';
import { X509Certificate, createPrivateKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const keysDir = process.argv[2] ?? '.ucsp-sandbox/keys';
const partnerKey = new X509Certificate(readFileSync(join(keysDir, 'partner.cert.pem'))).publicKey;
const ucspCert = new X509Certificate(readFileSync(join(keysDir, 'ucsp.cert.pem')));
const ucspKey = createPrivateKey(readFileSync(join(keysDir, 'ucsp.key.pem')));
const signCertID = BigInt(`0x${ucspCert.serialNumber}`).toString(10);
const PLACEHOLDER = '"00000000"';
let tn = 0;
let base = '';

interface Req {
  msgInfo: Record<string, string>;
  trxInfo: Record<string, string>;
  certificateSignature: { signature: string };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const m = JSON.parse(text) as Req;
    const v = m.certificateSignature.signature;
    const at = text.indexOf(`"${v}"`);
    const signed = Buffer.from(text.slice(0, at) + PLACEHOLDER + text.slice(at + v.length + 2), 'utf8');
    const valid = verify('sha256', signed, partnerKey, Buffer.from(v, 'base64'));
    const t = m.trxInfo;
    const n = String(++tn).padStart(21, '0');
    const answer = JSON.stringify({
      msgInfo: m.msgInfo,
      trxInfo: { orderId: t.orderId, merId: t.merId, txnAmt: t.txnAmt, currencyCode: t.currencyCode, tn: n, paymentUrl: `${base}/ucsp/cashier/${n}` },
      msgResponse: valid ? { responseCode: '00', responseMsg: 'Approved' } : { responseCode: '11', responseMsg: 'Signature Verification Fails' },
      certificateSignature: { signCertID, signature: '00000000' },
    });
    const sig = sign('sha256', Buffer.from(answer, 'utf8'), ucspKey).toString('base64');
    const i = answer.lastIndexOf(PLACEHOLDER);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(`${answer.slice(0, i)}"${sig}"${answer.slice(i + PLACEHOLDER.length)}`);
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address() as { port: number };
  base = `http://127.0.0.1:${a.port}`;
  process.stdout.write(`${JSON.stringify({ api: `${base}/ucsp/api` })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
