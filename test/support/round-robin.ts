/**
 * A round-robin HTTP proxy on loopback in front of several sandbox instances' wire APIs: request n
 * goes to target n mod k, so a partner configured with one UCSP API URL spreads its traffic over
 * every instance, as a load balancer in front of a shared sandbox would.
 */
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobin {
  /** The URL to give the partner (its UCSP API URL). */
  url: string;
  /** How many requests each target got, in the order of the targets. */
  counts: number[];
  close(): Promise<void>;
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'proxy-connection', 'upgrade']);

function forwardable(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  return out;
}

/** Each target is a full URL (e.g. an instance's `ready.api`); the request's path is not used. */
export async function startRoundRobin(targets: string[]): Promise<RoundRobin> {
  if (targets.length === 0) throw new Error('round robin: no targets');
  const counts = targets.map(() => 0);
  let next = 0;
  const server = createServer((req, res) => {
    const i = next++ % targets.length;
    counts[i]!++;
    const target = new URL(targets[i]!);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const up = request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: { ...forwardable(req.headers), host: target.host, 'content-length': String(body.length) } },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, forwardable(upRes.headers));
          upRes.pipe(res);
        },
      );
      up.on('error', (e) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`round robin: ${target.href} did not answer: ${e.message}`);
      });
      up.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ucsp/api`,
    counts,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
