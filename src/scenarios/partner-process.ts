/**
 * `run --exec "CMD"`: the partner's own process for the length of a run, the way
 * start-server-and-test does it — started through the shell with the setup in its environment,
 * waited for until its URL answers, stopped at the end (SIGTERM to its process group, SIGKILL
 * after a grace period), with its last output lines kept for the report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { UcspError } from '../errors/index.js';

export interface PartnerProcessInfo {
  command: string;
  pid?: number;
  /** Set once it has exited: its code, or the signal that ended it. */
  exit?: { code: number | null; signal: string | null };
  /** The last lines it wrote (stdout and stderr, interleaved as they came). */
  lastLines: string[];
}

const KEEP_LINES = 40;

export class PartnerProcess {
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private partial = '';
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;

  constructor(
    readonly command: string,
    env: Record<string, string>,
    o: { cwd?: string; onLine?: (line: string) => void } = {},
  ) {
    // its own process group (detached), so that stopping it stops what the shell started too
    this.child = spawn(command, { shell: true, detached: process.platform !== 'win32', cwd: o.cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (chunk: Buffer) => {
      const text = this.partial + chunk.toString('utf8');
      const parts = text.split(/\r?\n/);
      this.partial = parts.pop() ?? '';
      for (const line of parts) this.keep(line, o.onLine);
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (e) => {
        this.keep(`(could not start: ${e.message})`, o.onLine);
        this.exitInfo ??= { code: null, signal: null };
        resolve(this.exitInfo);
      });
      this.child.once('exit', (code, signal) => {
        if (this.partial) this.keep(this.partial, o.onLine);
        this.partial = '';
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    // never leave it behind, even when the runner itself is ended abruptly
    process.once('exit', this.killNow);
  }

  private keep(line: string, onLine?: (line: string) => void): void {
    this.lines.push(line);
    if (this.lines.length > KEEP_LINES) this.lines.shift();
    onLine?.(line);
  }

  get info(): PartnerProcessInfo {
    return { command: this.command, ...(this.child.pid !== undefined ? { pid: this.child.pid } : {}), ...(this.exitInfo ? { exit: this.exitInfo } : {}), lastLines: [...this.lines] };
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /**
   * Resolves once `probe` says the partner answers; a partner that exits first, or does not
   * answer within `timeoutMs`, is a usage error showing its output.
   */
  async waitUntilReady(probe: () => Promise<boolean>, what: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      if (exited) throw this.failure(`the partner (--exec) exited before ${what} answered`);
      if (signal?.aborted) throw new UcspError('usage', 'interrupted while waiting for the partner to start');
      if (await probe().catch(() => false)) return;
      if (Date.now() > deadline) throw this.failure(`${what} did not answer within ${Math.round(timeoutMs / 1000)} s of starting the partner (--exec); raise --exec-timeout if it starts slowly`);
      // a process coming up is not an event we can subscribe to: look again shortly, or at its exit
      await Promise.race([new Promise((r) => setTimeout(r, 100)), this.exited]);
    }
  }

  failure(message: string): UcspError {
    const i = this.info;
    const how = i.exit ? ` (exit ${i.exit.code ?? i.exit.signal})` : '';
    return new UcspError('usage', `${message}${how}: ${this.command}`, {
      details: i.lastLines.length ? ['its last output:', ...i.lastLines.map((l) => `  | ${l}`)] : ['it printed nothing'],
    });
  }

  /** SIGTERM to its process group; SIGKILL after `graceMs` if it is still there. */
  async stop(graceMs = 5_000): Promise<void> {
    process.off('exit', this.killNow);
    if (this.child.pid === undefined) return;
    const deadline = Date.now() + graceMs;
    if (this.groupAlive()) this.signal('SIGTERM');
    // the whole group gets the grace period (the shell may go before what it started)
    while (this.groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (this.groupAlive()) this.signal('SIGKILL');
    if (!this.exitInfo) await this.exited;
  }

  private groupAlive(): boolean {
    const pid = this.child.pid;
    if (pid === undefined) return false;
    try {
      process.kill(process.platform === 'win32' ? pid : -pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  private readonly killNow = () => this.signal('SIGKILL');

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (process.platform === 'win32') this.child.kill(sig);
      else process.kill(-pid, sig);
    } catch {
      // already gone
    }
  }
}
