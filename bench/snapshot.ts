/**
 * A private build of the sandbox for the bench: the sources as they are now, copied to a temp
 * folder and built there with the package's own `npm run build`. Other engineers rebuild dist/
 * concurrently (npm test runs the build, which deletes dist/ first); a snapshot keeps the bench's
 * processes on one consistent build and never touches the shared dist/.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, log } from './proc.js';

const SKIP = new Set(['.git', 'node_modules', 'dist', 'coverage', 'reports', '.ucsp-sandbox', 'bench/out']);

function npmBuild(cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const npm = process.env.npm_execpath;
    const child = npm ? spawn(process.execPath, [npm, 'run', 'build'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('npm', ['run', 'build'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ code, output });
    });
  });
}

/** Copies the package (without node_modules, dist, .git) to `dir`/pkg and builds it; returns its root. */
export async function buildSnapshot(dir: string): Promise<string> {
  const pkg = join(dir, 'pkg');
  for (let attempt = 1; ; attempt++) {
    await mkdir(pkg, { recursive: true });
    await cp(ROOT, pkg, { recursive: true, force: true, filter: (src) => !SKIP.has(src.slice(ROOT.length + 1)) });
    await symlink(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir').catch(() => undefined);
    const t0 = performance.now();
    const r = await npmBuild(pkg);
    if (r.code === 0) {
      log(`built a snapshot of the sources in ${((performance.now() - t0) / 1000).toFixed(1)} s (${pkg})`);
      return pkg;
    }
    // A file saved half-way by someone else: try once more with a fresh copy.
    if (attempt >= 2) throw new Error(`npm run build failed on the snapshot of the sources:\n${r.output.slice(-3000)}`);
    log(`build of the snapshot failed; copying again in 5 s\n${r.output.slice(-1000)}`);
    await new Promise((res) => setTimeout(res, 5000));
  }
}
