/**
 * The real CLI in a pseudo-terminal, for interactive commands: python3's `pty` module (present
 * wherever python3 is; no native npm package) starts it on a terminal and relays bytes both ways.
 * Tests wait for screen text (ANSI escapes stripped) and type keys; nothing sleeps.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BIN } from './cli.js';

// Forks the command on a new terminal of the given size, relays stdin → terminal → stdout, and exits
// with the command's exit code (128 + n when a signal n ended it). First line on stderr: "pid N".
const RELAY = `
import fcntl, os, pty, select, struct, sys, termios
cols, rows = int(sys.argv[1]), int(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    os.execvp(sys.argv[3], sys.argv[3:])
sys.stderr.write('pid %d\\n' % pid)
sys.stderr.flush()
reading = True
while True:
    ready = select.select([fd, 0] if reading else [fd], [], [])[0]
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            os.write(fd, data)
        else:
            reading = False
status = os.waitpid(pid, 0)[1]
code = os.waitstatus_to_exitcode(status)
sys.exit(128 - code if code < 0 else code)
`;

export const KEY = { enter: '\r', ctrlC: '\u0003', down: '\u001b[B' } as const;

// CSI (colours, cursor moves, erase), OSC, two-byte escapes, and carriage returns.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_78=>]|\r/g;
// eslint-disable-next-line no-control-regex
const PARTIAL = /\u001b[^A-Za-z~\u0007]*$/;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '').replace(PARTIAL, '');
}

export interface PtyOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  cols?: number;
  rows?: number;
  /** Safety net for each wait; a wait ends as soon as its text appears. */
  timeoutMs?: number;
}

export class PtyCli {
  /** Everything the command wrote to its terminal, as bytes decoded. */
  raw = '';
  private cursor = 0;
  private waiters = new Set<() => void>();
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private code: number | null | undefined;
  private readonly timeoutMs: number;

  constructor(args: string[], o: PtyOptions = {}) {
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.child = spawn('python3', ['-c', RELAY, String(o.cols ?? 200), String(o.rows ?? 50), process.execPath, BIN, ...args], {
      cwd: o.cwd,
      env: { ...process.env, TERM: 'xterm', CI: undefined, ...o.env }, // a terminal is a terminal, in CI too (chalk turns colour off when CI is set)
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.raw += d;
      this.wake();
    });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
      this.wake();
    });
    this.child.on('error', (e) => {
      this.stderr += `cannot start python3: ${e.message}\n`;
      this.code = null;
      this.wake();
    });
    this.child.on('close', (code) => {
      this.code = code;
      this.wake();
    });
  }

  /** The screen text so far, escapes stripped. */
  get text(): string {
    return stripAnsi(this.raw);
  }

  /** The command's process id (the relay reports it first). */
  async pid(): Promise<number> {
    await this.until(() => /^pid \d+$/m.test(this.stderr), 'the relay to report the pid');
    return Number(/^pid (\d+)$/m.exec(this.stderr)![1]);
  }

  /**
   * Waits until `pattern` appears after what earlier waits matched, and moves past it; resolves to
   * the text from the previous position to the end of the match.
   */
  async expect(pattern: string | RegExp): Promise<string> {
    let found: string | undefined;
    await this.until(() => {
      const rest = this.text.slice(this.cursor);
      const m = typeof pattern === 'string' ? (rest.includes(pattern) ? { index: rest.indexOf(pattern), 0: pattern } : null) : pattern.exec(rest);
      if (!m) return false;
      const end = m.index + m[0].length;
      found = rest.slice(0, end);
      this.cursor += end;
      return true;
    }, JSON.stringify(String(pattern)), true);
    return found!;
  }

  /** Types keys into the terminal. */
  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** Waits for the command to end; resolves to its exit code. */
  async exitCode(): Promise<number | null> {
    await this.until(() => this.code !== undefined, 'the command to exit');
    return this.code!;
  }

  /** Ends the relay and the command if a test failed half-way. */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private until(done: () => boolean, what: string, notAfterExit = false): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (error?: string) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error === undefined) return resolve();
        reject(new Error(`${error} ${what}; the screen after the last match:\n${this.text.slice(this.cursor)}\n--- stderr of the relay:\n${this.stderr}`));
      };
      const check = () => {
        if (done()) settle();
        else if (notAfterExit && this.code !== undefined) settle(`the command exited (${this.code}) without showing`);
      };
      const timer = setTimeout(() => settle(`waited ${this.timeoutMs} ms for`), this.timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}
