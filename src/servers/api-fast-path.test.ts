import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { withApiFastPath, type ApiHandler } from './api-fast-path.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function serve(handle: ApiHandler, limit = 64): Promise<string> {
  const app = (_req: unknown, res: { writeHead(s: number): { end(t: string): void } }) => res.writeHead(404).end('app');
  server = createServer(withApiFastPath(limit, handle, app as never));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function post(base: string, path: string, body: string): Promise<{ status: number; text: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('POST /ucsp/api on node:http', () => {
  it('sends an answer given at once, and one given as a promise, with the body and peer it was handed', async () => {
    const seen: string[] = [];
    let n = 0;
    const base = await serve((body, peer) => {
      seen.push(`${body.toString('utf8')} from ${peer.replace(/:\d+$/, ':port')}`);
      return n++ === 0 ? { text: '{"at":"once"}' } : Promise.resolve({ text: '{"at":"later"}' });
    });
    expect(await post(base, '/ucsp/api', '{"a":1}')).toEqual({ status: 200, text: '{"at":"once"}', type: 'application/json; charset=utf-8' });
    expect(await post(base, '/ucsp/api', '{"b":2}')).toEqual({ status: 200, text: '{"at":"later"}', type: 'application/json; charset=utf-8' });
    expect(seen).toEqual(['{"a":1} from 127.0.0.1:port', '{"b":2} from 127.0.0.1:port']);
  });

  it('a request path that throws, or rejects, is a 500 that says so; the server lives on', async () => {
    let n = 0;
    const base = await serve(() => {
      if (n++ === 0) throw new Error('thrown at once');
      return Promise.reject(new Error('rejected later'));
    });
    expect(await post(base, '/ucsp/api', '{}')).toMatchObject({ status: 500, text: 'internal error: thrown at once\n' });
    expect(await post(base, '/ucsp/api', '{}')).toMatchObject({ status: 500, text: 'internal error: rejected later\n' });
  });

  it('a body over the limit is 413 and never reaches the request path; other routes go to the app', async () => {
    let called = 0;
    const base = await serve(() => {
      called++;
      return { text: '{}' };
    }, 8);
    expect((await post(base, '/ucsp/api', '{"too":"long"}')).status).toBe(413);
    expect(await post(base, '/control/reset', '{}')).toMatchObject({ status: 404, text: 'app' });
    expect(called).toBe(0);
  });
});
