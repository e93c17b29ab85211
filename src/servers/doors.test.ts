import { describe, expect, it } from 'vitest';
import { answeredHostnames } from '../sandbox/start-sandbox.js';
import { Doors, crossSiteReason, hostAllowed, hostnameOf, tokenGiven } from './doors.js';

function doors(token?: string): Doors {
  const d = new Doors({ controlToken: token });
  d.configure(['127.0.0.1', 'localhost', '::1', 'sandbox.example'], ['http://127.0.0.1:7300', 'http://127.0.0.1:7301', 'https://sandbox.example:8443']);
  return d;
}

describe('Host', () => {
  it('reads the host name of a Host header, or nothing when it is none', () => {
    expect(hostnameOf('127.0.0.1:7300')).toBe('127.0.0.1');
    expect(hostnameOf('[::1]:7300')).toBe('::1');
    expect(hostnameOf('Sandbox.Example.')).toBe('sandbox.example');
    for (const bad of [undefined, '', 'a b', 'x@y', 'h:1:2', 'h:123456', '[::1']) expect(hostnameOf(bad), String(bad)).toBeUndefined();
  });

  it('answers only to the sandbox’s names', () => {
    const d = doors();
    expect(hostAllowed(d, '127.0.0.1:7300')).toBe(true);
    expect(hostAllowed(d, 'sandbox.example')).toBe(true);
    expect(hostAllowed(d, 'evil.example:7300')).toBe(false);
    expect(hostAllowed(d, undefined)).toBe(false);
  });

  it('the names: the bind, loopback names on loopback, the machine’s on every interface, publicUrl, allowedHosts', () => {
    const machine = () => ['box', '192.168.1.20', 'fe80::1'];
    expect(answeredHostnames({ host: '127.0.0.1' }, machine)).toEqual(['127.0.0.1', 'localhost', '127.0.0.1', '::1']);
    expect(answeredHostnames({ host: '192.168.1.20', allowedHosts: ['ucsp-sandbox'] }, machine)).toEqual(['192.168.1.20', 'ucsp-sandbox']);
    expect(answeredHostnames({ host: '0.0.0.0', publicUrl: 'http://sandbox.example' }, machine)).toEqual(['localhost', '127.0.0.1', '::1', 'box', '192.168.1.20', 'fe80::1', 'sandbox.example']);
  });
});

describe('cross-site', () => {
  const req = (method: string, headers: Record<string, string>) => ({ method, headers: { host: '127.0.0.1:7301', ...headers } });
  it('refuses what a browser says comes from elsewhere, for requests that may change state', () => {
    const d = doors();
    expect(crossSiteReason(d, req('POST', { origin: 'http://evil.example' }))).toBe('Origin: http://evil.example');
    expect(crossSiteReason(d, req('POST', { origin: 'null' }))).toBe('Origin: null');
    expect(crossSiteReason(d, req('DELETE', { 'sec-fetch-site': 'cross-site' }))).toBe('Sec-Fetch-Site: cross-site');
    expect(crossSiteReason(d, req('POST', { 'sec-fetch-site': 'same-site' }))).toBe('Sec-Fetch-Site: same-site');
    expect(crossSiteReason(d, req('POST', { origin: 'http://127.0.0.1:7301.evil.example' }))).toBe('Origin: http://127.0.0.1:7301.evil.example');
  });

  it('lets through the sandbox’s own origins, clients that are no browser, and reads', () => {
    const d = doors();
    expect(crossSiteReason(d, req('POST', { origin: 'http://127.0.0.1:7301', 'sec-fetch-site': 'same-origin' }))).toBeUndefined();
    expect(crossSiteReason(d, req('POST', { origin: 'http://127.0.0.1:7300' }))).toBeUndefined(); // UCSP's page, another server of the sandbox
    expect(crossSiteReason(d, req('POST', { origin: 'https://sandbox.example:8443' }))).toBeUndefined(); // the public origin behind a proxy
    expect(crossSiteReason(d, req('POST', { 'sec-fetch-site': 'none' }))).toBeUndefined(); // typed in the address bar
    expect(crossSiteReason(d, req('POST', {}))).toBeUndefined(); // curl, the runner
    expect(crossSiteReason(d, req('GET', { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }))).toBeUndefined();
  });
});

describe('token', () => {
  it('is valid only as Authorization: Bearer <token>', () => {
    const d = doors('tok-123');
    expect(tokenGiven(d, undefined)).toBe('missing');
    expect(tokenGiven(d, 'tok-123')).toBe('malformed');
    expect(tokenGiven(d, 'Basic tok-123')).toBe('malformed');
    expect(tokenGiven(d, 'Bearer tok-12')).toBe('invalid');
    expect(tokenGiven(d, 'Bearer tok-1234')).toBe('invalid');
    expect(tokenGiven(d, 'Bearer tok-123')).toBe('valid');
    expect(tokenGiven(d, 'BEARER   tok-123 ')).toBe('valid');
    expect(tokenGiven(doors(), 'Bearer tok-123')).toBe('invalid');
  });

  it("opens to the admin token and the partner's own token alike", () => {
    const d = new Doors({ controlToken: 'admin-token', partner: { token: 'partner-token' } });
    expect(d.token).toBe('admin-token');
    expect(tokenGiven(d, 'Bearer admin-token')).toBe('valid');
    expect(tokenGiven(d, 'Bearer partner-token')).toBe('valid');
    expect(tokenGiven(d, 'Bearer other-token')).toBe('invalid');
    // a partner token alone is the token asked for
    const own = new Doors({ partner: { token: 'partner-token' } });
    expect(own.token).toBe('partner-token');
    expect(tokenGiven(own, 'Bearer partner-token')).toBe('valid');
  });
});
