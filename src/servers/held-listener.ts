/**
 * A request listener made after the server listens: the Express apps of the pages, the control API
 * and the issuer are loaded once the sandbox is up (start-sandbox.ts), not before — Express and
 * what it brings (body-parser, mime types…) were a third of `start`'s time to its ready line, and
 * the wire API (api-fast-path.ts) does without them. A request that comes meanwhile waits, in
 * arrival order, and is handed over when the app is there; if it cannot be made, such requests
 * get 503 with the reason. Nothing is refused for being early.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export class HeldListener {
  private real: RequestListener | undefined;
  private failure: string | undefined;
  private waiting: [IncomingMessage, ServerResponse][] = [];

  /** The listener to give the server now. */
  readonly listener: RequestListener = (req, res) => {
    if (this.real) return this.real(req, res);
    if (this.failure !== undefined) return unavailable(res, this.failure);
    this.waiting.push([req, res]);
  };

  /** Requests waiting for the listener. */
  get held(): number {
    return this.waiting.length;
  }

  /** The listener is there: the requests that waited go to it, oldest first. */
  set(listener: RequestListener): void {
    this.real = listener;
    for (const [req, res] of this.waiting.splice(0)) listener(req, res);
  }

  /** The listener cannot be made: waiting and later requests get 503 with the reason. */
  fail(reason: string): void {
    this.failure = reason;
    for (const [, res] of this.waiting.splice(0)) unavailable(res, reason);
  }
}

function unavailable(res: ServerResponse, reason: string): void {
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`this server could not start its routes: ${reason}\n`);
}
