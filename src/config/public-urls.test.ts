import { describe, expect, it } from 'vitest';
import { isLoopback, isWildcard, normalizeHostname, publicHostnames, reachedBeyondLoopback, serverUrls, shownHost } from './public-urls.js';

const PORTS = [7300, 7301, 7302] as const;

describe('serverUrls', () => {
  it('without publicUrl: the bound address, every interface shown as 127.0.0.1, IPv6 in brackets', () => {
    expect(serverUrls({ host: '127.0.0.1' }, PORTS)).toEqual({
      bound: { ucsp: 'http://127.0.0.1:7300', channel: 'http://127.0.0.1:7301', issuer: 'http://127.0.0.1:7302' },
      public: { ucsp: 'http://127.0.0.1:7300', channel: 'http://127.0.0.1:7301', issuer: 'http://127.0.0.1:7302' },
    });
    expect(serverUrls({ host: '0.0.0.0' }, PORTS).public.ucsp).toBe('http://127.0.0.1:7300');
    expect(serverUrls({ host: '::1' }, PORTS).public.channel).toBe('http://[::1]:7301');
  });

  // issue 10 row 13: bound to 0.0.0.0, the links used 127.0.0.1 and remote browsers could not follow them
  it('one base URL: its host for every link; its port for UCSP and the next two for the others, or the bound ports', () => {
    expect(serverUrls({ host: '0.0.0.0', publicUrl: 'http://192.168.1.20' }, PORTS).public).toEqual({ ucsp: 'http://192.168.1.20:7300', channel: 'http://192.168.1.20:7301', issuer: 'http://192.168.1.20:7302' });
    expect(serverUrls({ host: '0.0.0.0', publicUrl: 'https://sandbox.example:8000/' }, PORTS).public).toEqual({ ucsp: 'https://sandbox.example:8000', channel: 'https://sandbox.example:8001', issuer: 'https://sandbox.example:8002' });
    // a port written out is a port, even the scheme's default
    expect(serverUrls({ host: '0.0.0.0', publicUrl: 'http://sandbox.example:80' }, PORTS).public.channel).toBe('http://sandbox.example:81');
    expect(serverUrls({ host: '0.0.0.0', publicUrl: 'http://[fd00::5]' }, PORTS).public.issuer).toBe('http://[fd00::5]:7302');
    expect(serverUrls({ host: '0.0.0.0', publicUrl: 'http://192.168.1.20' }, PORTS).bound.ucsp).toBe('http://127.0.0.1:7300');
  });

  it('per server: each given base URL as it is; a server left out keeps its bound address', () => {
    const urls = serverUrls({ host: '127.0.0.1', publicUrl: { ucsp: 'https://ucsp.example/', channel: 'https://wallet.example:8443' } }, PORTS).public;
    expect(urls).toEqual({ ucsp: 'https://ucsp.example', channel: 'https://wallet.example:8443', issuer: 'http://127.0.0.1:7302' });
  });
});

describe('reachedBeyondLoopback', () => {
  it.each([
    [{ host: '127.0.0.1' }, false],
    [{ host: 'localhost' }, false],
    [{ host: '::1' }, false],
    [{ host: '127.0.0.2' }, false],
    [{ host: '0.0.0.0' }, true],
    [{ host: '::' }, true],
    [{ host: '192.168.1.20' }, true],
    [{ host: '127.0.0.1', publicUrl: 'http://localhost:7300' }, false],
    // a port forward or a proxy in front of a loopback bind: remote all the same
    [{ host: '127.0.0.1', publicUrl: 'http://sandbox.example' }, true],
    [{ host: '127.0.0.1', publicUrl: { channel: 'https://wallet.example' } }, true],
  ] as const)('%j → %s', (config, expected) => {
    expect(reachedBeyondLoopback(config as Parameters<typeof reachedBeyondLoopback>[0])).toBe(expected);
  });
});

describe('host names', () => {
  it('normalises, recognises loopback and wildcard binds, shows hosts for URLs', () => {
    expect(normalizeHostname('[::1]')).toBe('::1');
    expect(normalizeHostname('Sandbox.Example.')).toBe('sandbox.example');
    expect(isLoopback('LOCALHOST.')).toBe(true);
    expect(isLoopback('127.10.0.1')).toBe(true);
    expect(isLoopback('128.0.0.1')).toBe(false);
    expect(isWildcard('0.0.0.0')).toBe(true);
    expect(isWildcard('127.0.0.1')).toBe(false);
    expect(shownHost('fd00::5')).toBe('[fd00::5]');
    expect(publicHostnames({ ucsp: 'http://A.example', issuer: 'http://[::1]:1' })).toEqual(['a.example', '::1']);
  });
});
