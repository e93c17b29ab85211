/** Child processes for the bench: spawn, wait for the first stdout line, read RSS, stop. All bounded. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
let binPath = join(ROOT, 'bin', 'ucsp-sandbox.js');

/** The CLI the bench runs: the repository's, or a snapshot's (see snapshot.ts). */
export function bin(): string {
  return binPath;
}

export function usePackage(root: string): void {
  binPath = join(root, 'bin', 'ucsp-sandbox.js');
}

const live = new Set<ChildProcess>();

/** Kills what the bench started (by pid), e.g. on Ctrl-C or a watchdog. */
export function killAll(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export function log(...a: unknown[]): void {
  process.stderr.write(`[bench] ${a.map(String).join(' ')}\n`);
}

export interface Started {
  child: ChildProcess;
  /** Spawn → first stdout line, ms. */
  readyMs: number;
  /** The first stdout line, parsed. */
  ready: Record<string, unknown>;
  stderr(): string;
}

/** Spawns `node args…` in cwd and resolves on its first stdout line (a JSON object). */
export function startUntilFirstLine(args: string[], cwd: string, timeoutMs = 30_000, env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // UCSP_BENCH_SANDBOX_NODE_OPTIONS: node flags for the measured process only (e.g. heap limits)
    const extra = process.env.UCSP_BENCH_SANDBOX_NODE_OPTIONS;
    const child = spawn(process.execPath, args, { cwd, env: extra ? { ...env, NODE_OPTIONS: extra } : env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    child.once('exit', () => live.delete(child));
    let out = '';
    let err = '';
    let done = false;
    const timer = setTimeout(() => finish(new Error(`no ready line within ${timeoutMs} ms from node ${args.join(' ')}`)), timeoutMs);
    const finish = (e: Error | undefined, line?: string, readyMs?: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (e) {
        child.kill('SIGKILL');
        reject(new Error(`${e.message}\n${err.slice(-2000)}`));
        return;
      }
      try {
        resolve({ child, readyMs: readyMs!, ready: JSON.parse(line!) as Record<string, unknown>, stderr: () => err });
      } catch {
        child.kill('SIGKILL');
        reject(new Error(`ready line is not JSON: ${line}`));
      }
    };
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl !== -1) finish(undefined, out.slice(0, nl), performance.now() - t0);
    });
    child.stderr!.on('data', (d: Buffer) => {
      if (err.length < 100_000) err += d.toString('utf8');
    });
    child.once('error', (e) => finish(e));
    child.once('exit', (code, sig) => finish(new Error(`exited (${code ?? sig}) before its ready line`)));
  });
}

/** SIGTERM, then SIGKILL after graceMs. Resolves when it has exited. */
export function stop(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs `node args…` to the end; stdout captured, wall time measured. */
export function runToEnd(args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 100_000) stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} took more than ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallMs = performance.now() - t0;
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, stdout, stderr, wallMs });
    });
  });
}

/** VmRSS and VmHWM of a process, MB (from /proc/<pid>/status). */
export function rssOf(pid: number): { rssMb: number; peakMb: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+([0-9]+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

function newestMtime(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) max = Math.max(max, newestMtime(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

/** True when dist/ is missing or older than a source file it is built from. */
export function distIsStale(): boolean {
  let built: number;
  try {
    // what bin/ imports: the CLI bundle, the build's last step
    built = statSync(join(ROOT, 'dist', 'cli', 'main.js')).mtimeMs;
  } catch {
    return true;
  }
  return Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'examples', 'partner'))) > built;
}

export async function build(): Promise<void> {
  const npm = process.env.npm_execpath;
  const r = await new Promise<number | null>((resolve, reject) => {
    const child = npm
      ? spawn(process.execPath, [npm, 'run', 'build'], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] })
      : spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
    live.add(child);
    child.once('error', reject);
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  if (r !== 0) throw new Error(`npm run build failed (exit ${r})`);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

let clkTck: number | undefined;
/** CPU time (user + system, all threads) a process has used so far, seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clkTck;
}
