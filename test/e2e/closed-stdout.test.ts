/** `ucsp-sandbox … | head`: a reader that goes away ends the command quietly, not with an EPIPE stack trace. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';

function withStdoutClosed(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    // the reader is gone before the command writes a byte (it takes far longer to start than this)
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('stdout closed by its reader', () => {
  it.each([[['--help']], [['start', '--help']], [['logs', '--help']]])('%j exits 0 and says nothing of EPIPE', async (args) => {
    const r = await withStdoutClosed(args);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(r.code).toBe(0);
  });
});
