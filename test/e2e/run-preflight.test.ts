/**
 * `run` checks that the partner is there before the first scenario: each problem is one usage
 * error (exit 2) with one clear message — never forty scenario failures.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/partner-world.js';
import { tempDir } from '../support/tmp.js';

/** A bare HTTP server answering by path; `handler` returns [status, content-type, body]. */
async function serve(handler: (method: string, path: string) => [number, string, string]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const [status, type, body] = handler(req.method ?? 'GET', req.url ?? '/');
      res.writeHead(status, { 'content-type': type }).end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

/** A minimal PROFILE §9 driver: refuses unknown actions with 400 {"error"}, knows no order. */
const speaksDriver = (method: string, path: string): [number, string, string] => {
  if (method === 'POST' && path === '/driver/actions') return [400, 'application/json', '{"error":"unknown action"}'];
  if (path.startsWith('/driver/orders/')) return [404, 'application/json', '{"error":"no such order"}'];
  if (path.startsWith('/ucsp/login')) return [400, 'text/plain', 'no request_data'];
  return [404, 'text/html', '<pre>Cannot GET</pre>'];
};

describe('run: preflight errors are usage errors with one message each', { timeout: 120_000 }, () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const servers: Server[] = [];
  beforeAll(async () => {
    tmp = await tempDir('ucsp-preflight-');
  });
  afterAll(async () => {
    for (const s of servers) s.closeAllConnections(), s.close();
    await tmp.cleanup();
  });

  const run = (args: string[]) => runCli(['run', '--port', '0', '--keys-dir', `${tmp.dir}/keys`, ...args], { cwd: tmp.dir });

  /** The error lines: what run printed on stderr after the setup block. */
  const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('ucsp-sandbox: '));

  it('an unreachable driver URL', async () => {
    const port = await freePort(); // nothing listens there
    const r = await run(['--driver-url', `http://127.0.0.1:${port}/driver`, '--index-url', `http://127.0.0.1:${port}/ucsp/login`]);
    expect(r.code, r.stderr).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/preflight: cannot reach the partner's driver \(POST http:\/\/127\.0\.0\.1:\d+\/driver\/actions\): .*ECONNREFUSED/);
    expect(lines[0]).toMatch(/is your Industry Service running/);
    expect(r.stdout).not.toMatch(/FAIL|PASS/); // no scenario ran
  });

  it('a driver that does not speak PROFILE §9 (a wrong driverUrl answering HTML 404)', async () => {
    const { url, server } = await serve(speaksDriver);
    servers.push(server);
    const r = await run(['--driver-url', `${url}/not-the-driver`, '--index-url', `${url}/ucsp/login`]);
    expect(r.code, r.stderr).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`the driver at ${url}/not-the-driver does not speak PROFILE §9: an unknown action was answered 404 (text/html)`);
    expect(lines[0]).toContain('is partner.driverUrl (--driver-url) the base of your driver');
  });

  it('a driver that answers an unknown order with 200', async () => {
    const { url, server } = await serve((m, p) => (p.startsWith('/driver/orders/') ? [200, 'application/json', '{"status":"PAID"}'] : speaksDriver(m, p)));
    servers.push(server);
    const r = await run(['--driver-url', `${url}/driver`, '--index-url', `${url}/ucsp/login`]);
    expect(r.code, r.stderr).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/GET \/orders\/UcspPreflight[0-9a-f]+ \(an order nobody made\) was answered 200.*PROFILE §9 says 404/)]);
  });

  it('an unreachable INDUSTRY_INDEX_URL (when login scenarios run)', async () => {
    const { url, server } = await serve(speaksDriver);
    servers.push(server);
    const closed = await freePort();
    const r = await run(['--driver-url', `${url}/driver`, '--index-url', `http://127.0.0.1:${closed}/ucsp/login`]);
    expect(r.code, r.stderr).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`preflight: the partner's INDUSTRY_INDEX_URL http://127\\.0\\.0\\.1:${closed}/ucsp/login does not answer \\(.*ECONNREFUSED.*\\)`));
    // without login scenarios the index URL is not needed, so not probed: the run goes on (and fails on the fake driver)
    const noLogin = await run(['--driver-url', `${url}/driver`, '--index-url', `http://127.0.0.1:${closed}/ucsp/login`, '--filter', 'refund/refund-unpaid-refused']);
    expect(noLogin.code, noLogin.stderr).toBe(1);
  });

  it('a partner started with --exec that exits early, with its output', async () => {
    const port = await freePort();
    const r = await run(['--driver-url', `http://127.0.0.1:${port}/driver`, '--exec', 'echo "listening soon"; echo "cannot open database" >&2; exit 3']);
    expect(r.code, r.stderr).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/the partner \(--exec\) exited before its driver \(http:\/\/127\.0\.0\.1:\d+\/driver\/actions\) answered \(exit 3\)/);
    expect(r.stderr).toContain('| listening soon');
    expect(r.stderr).toContain('| cannot open database');
  });

  it('prints what the partner must be configured with before the suite starts', async () => {
    const port = await freePort();
    const r = await run(['--driver-url', `http://127.0.0.1:${port}/driver`, '--index-url', `http://127.0.0.1:${port}/ucsp/login`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/UCSP API \(POST every request\): +http:\/\/127\.0\.0\.1:\d+\/ucsp\/api/);
    expect(r.stderr).toMatch(/UCSP certificate \(verify UCSP\): .*ucsp\.cert\.pem \(signCertID \d+\)/);
    expect(r.stderr).toMatch(/insID \/ merId \/ acqIIN: +12345678 \/ 123456789012345 \/ 00010344/);
    expect(r.stderr).toMatch(/your private key: +.*partner\.key\.pem/);
    expect(r.stderr).toMatch(/or your PKCS#12: +.*partner\.p12 \(password ucsp-sandbox\)/);
    expect(r.stderr).toMatch(new RegExp(`your INDUSTRY_INDEX_URL \\(login\\): +http://127\\.0\\.0\\.1:${port}/ucsp/login`));
    expect(r.stderr).toMatch(new RegExp(`your test driver \\(PROFILE §9\\): +http://127\\.0\\.0\\.1:${port}/driver`));
  });

  it('--time-scale is refused: the suite owns the clock during a run', async () => {
    const r = await run(['--driver-url', 'http://127.0.0.1:9/driver', '--time-scale', '1']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)[0]).toMatch(/run owns the sandbox clock/);
  });
});
