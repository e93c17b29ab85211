/**
 * `POST /ucsp/api` on plain node:http, in front of the Express app of the mock UCSP: the wire API
 * is the hot path, and Express's layers cost as much as the rest of the request. Same behaviour as
 * the Express route: raw bytes in (over the limit: 413), a signed answer out.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The request path of one wire request: its raw body and where it came from, to the answer text (at once, or when it is made). */
export type ApiHandler = (body: Buffer, peer: string) => { text: string } | Promise<{ text: string }>;

export function withApiFastPath(limit: number, handle: ApiHandler, app: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/ucsp/api') return app(req, res);
    const tooLarge = () => {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('body over the size limit\n');
      req.resume();
    };
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        tooLarge();
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => {
      done = true;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const peer = peerOf(req.socket);
      const send = (answer: { text: string }) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer.text) }).end(answer.text);
      };
      const fail = (e: unknown) => {
        // the request path answers every readable body itself; this is a bug, said plainly
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`internal error: ${(e as Error).message}\n`);
      };
      let answer: ReturnType<ApiHandler>;
      try {
        answer = handle(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), peer);
      } catch (e) {
        fail(e);
        return;
      }
      if (answer instanceof Promise) answer.then(send, fail);
      else send(answer);
    });
  };
}

const PEER = Symbol('peer');

/** "address:port" of a connection, read once per connection (each read asks the kernel) and kept on its socket. */
function peerOf(socket: Socket & { [PEER]?: string }): string {
  return (socket[PEER] ??= `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
}
