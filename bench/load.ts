/**
 * Closed-loop load over loopback: `connections` clients with keep-alive, each sending the next
 * pre-signed request as soon as its previous answer is in. No RSA work here except verifying a
 * sample of the answers.
 */
import { Agent, request } from 'node:http';
import { loadCertificates, TrustStore, verifyMessage } from '../src/crypto/index.js';
import { join } from 'node:path';

export type Source = () => Buffer | undefined | Promise<Buffer | undefined>;

export interface LoadOptions {
  /** Several: the connections are spread over them (connection i to url i mod n). */
  url: string | string[];
  connections: number;
  next: Source;
  /** Stop after this long (ms); undefined = until `next` runs dry. */
  durationMs?: number;
  /** Verify every Nth answer's signature and echo (default 100 = 1%). */
  sampleEvery?: number;
  checker: AnswerChecker;
  /** Keep latencies (p50/p99/max in the result); an array also receives each one (to combine several runs). */
  latencies?: boolean | number[];
}

export interface LoadResult {
  requests: number;
  ok: number;
  errors: number;
  errorKinds: Record<string, number>;
  sampled: number;
  durationS: number;
  rps: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  /** The source ran dry before durationMs was over. */
  exhausted: boolean;
}

export class AnswerChecker {
  private constructor(private readonly trust: TrustStore) {}

  static async create(keysDir: string): Promise<AnswerChecker> {
    return new AnswerChecker(new TrustStore(await loadCertificates(join(keysDir, 'ucsp.cert.pem'))));
  }

  /** Cheap check for every answer: the code. */
  code(text: string): string | undefined {
    return /"responseCode":"([0-9]{2})"/.exec(text)?.[1];
  }

  /** Full check for a sample: UCSP's valid signature, msgInfo echoed, 00. Returns a problem or undefined. */
  full(requestBody: Buffer, text: string): string | undefined {
    const v = verifyMessage(text, this.trust);
    if (!v.valid) return `bad-signature (${v.problem})`;
    const req = JSON.parse(requestBody.toString('utf8')) as { msgInfo: { msgID: string } };
    const ans = JSON.parse(text) as { msgInfo?: { msgID?: string }; msgResponse?: { responseCode?: string } };
    if (ans.msgInfo?.msgID !== req.msgInfo.msgID) return 'msgID-not-echoed';
    if (ans.msgResponse?.responseCode !== '00') return `code-${ans.msgResponse?.responseCode}`;
    return undefined;
  }
}

function post(agent: Agent, url: URL, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const urls = (Array.isArray(o.url) ? o.url : [o.url]).map((u) => new URL(u));
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections, maxFreeSockets: o.connections });
  const sampleEvery = o.sampleEvery ?? 100;
  const lat: number[] = [];
  const errorKinds: Record<string, number> = {};
  let requests = 0;
  let ok = 0;
  let errors = 0;
  let sampled = 0;
  let exhausted = false;
  const fail = (k: string) => {
    errors++;
    errorKinds[k] = (errorKinds[k] ?? 0) + 1;
  };
  const t0 = performance.now();
  const end = o.durationMs === undefined ? Infinity : t0 + o.durationMs;
  const client = async (_: unknown, i: number) => {
    const url = urls[i % urls.length]!;
    while (performance.now() < end) {
      const body = await o.next();
      if (!body) {
        exhausted = o.durationMs !== undefined;
        return;
      }
      const n = requests++;
      const s = performance.now();
      try {
        const r = await post(agent, url, body);
        if (o.latencies) {
          const ms = performance.now() - s;
          lat.push(ms);
          if (Array.isArray(o.latencies)) o.latencies.push(ms);
        }
        if (r.status !== 200) fail(`http-${r.status}`);
        else {
          const code = o.checker.code(r.text);
          const problem = code !== '00' ? `code-${code}` : n % sampleEvery === 0 ? (sampled++, o.checker.full(body, r.text)) : undefined;
          if (problem) fail(problem);
          else ok++;
        }
      } catch (e) {
        fail((e as NodeJS.ErrnoException).code ?? (e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: o.connections }, client));
  const durationS = (performance.now() - t0) / 1000;
  agent.destroy();
  const res: LoadResult = { requests, ok, errors, errorKinds, sampled, durationS, rps: requests / durationS, exhausted };
  if (lat.length) {
    lat.sort((a, b) => a - b);
    const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
    Object.assign(res, { p50Ms: q(0.5), p99Ms: q(0.99), maxMs: lat[lat.length - 1] });
  }
  return res;
}

/** A source over an array: each message once. */
export function fromArray(msgs: Buffer[]): Source {
  let i = 0;
  return () => (i < msgs.length ? msgs[i++] : undefined);
}
