/** Starts the real CLI (`ucsp-sandbox start --port 0 --json`) and waits for its ready JSON. */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';

export interface SpawnedSandbox {
  child: ChildProcess;
  ready: { ucsp: string; channel: string; issuer: string; api: string; control: string; ucspCertificate: string; partnerCertificate: string; ucspSignCertID: string };
  stderr: () => string;
  /** Sends SIGINT and resolves to the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnSandbox(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<SpawnedSandbox> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--json', ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl === -1) return;
      try {
        const ready = JSON.parse(stdout.slice(0, nl)) as SpawnedSandbox['ready'];
        resolve({
          child,
          ready,
          stderr: () => stderr,
          stop: (signal = 'SIGINT') => {
            child.kill(signal);
            return exited;
          },
        });
      } catch (e) {
        reject(new Error(`start printed something other than one JSON line: ${stdout}\n${stderr}`, { cause: e }));
      }
    });
    void exited.then((code) => reject(new Error(`sandbox exited (${code}) before it was ready:\n${stderr}`)));
  });
}

/** JSON over HTTP to the control API. */
export async function control<T = unknown>(base: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}/control${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}
