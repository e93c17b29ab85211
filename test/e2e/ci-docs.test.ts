/**
 * docs/ci.md cannot rot: the shell commands of its GitHub Actions and GitLab CI examples run here,
 * as written, against the bundled example partner standing in for "your Industry Service".
 *
 * The one stand-in: the install line (`npm install --no-save ./vendor/ucsp-sandbox-*.tgz`) is done
 * by linking this checkout into the job's node_modules — the tarball's name is checked against
 * what `npm pack` makes. The sandbox's ports are moved off 7300 with UCSP_SANDBOX_PORT (the same
 * as --port) so that tests running side by side do not collide.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { freePort } from '../support/partner-world.js';
import { tempDir } from '../support/tmp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INSTALL = /^npm install --no-save \.\/vendor\/ucsp-sandbox-\*\.tgz$/;

/** The yaml block that follows a heading of docs/ci.md. */
async function yamlUnder(heading: string): Promise<Record<string, unknown>> {
  const md = await readFile(join(ROOT, 'docs', 'ci.md'), 'utf8');
  const at = md.indexOf(`## ${heading}\n`);
  expect(at, `docs/ci.md has a "## ${heading}" section`).toBeGreaterThan(-1);
  const block = /```yaml\n([\s\S]*?)```/.exec(md.slice(at));
  expect(block, `a yaml block under "## ${heading}"`).not.toBeNull();
  return parseYaml(block![1]!) as Record<string, unknown>;
}

function bash(command: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-c', command], { cwd, env: { ...process.env, NO_COLOR: '1', CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** A partner project with ucsp-sandbox "installed": linked from this checkout. */
async function partnerProject(dir: string): Promise<void> {
  await mkdir(join(dir, 'node_modules', '.bin'), { recursive: true });
  await symlink(ROOT, join(dir, 'node_modules', 'ucsp-sandbox'), 'dir');
  await symlink(BIN, join(dir, 'node_modules', '.bin', 'ucsp-sandbox'));
}

async function runJob(name: string, commands: string[], jobEnv: Record<string, string>, dir: string): Promise<void> {
  await partnerProject(dir);
  const partnerPort = await freePort();
  const env: Record<string, string> = {
    ...jobEnv,
    // "your Industry Service": the example partner, configured only by the UCSP_* variables
    PARTNER_START: `"${process.execPath}" "${join(ROOT, 'dist', 'examples', 'partner', 'main.js')}" --quiet`,
    PARTNER_URL: `http://127.0.0.1:${partnerPort}`,
    UCSP_SANDBOX_PORT: String(await freePort()),
  };
  for (const command of commands) {
    if (INSTALL.test(command.trim())) continue; // done by partnerProject()
    const r = await bash(command, dir, env);
    expect(r.code, `${name}: ${command}\n${r.out.slice(-3000)}`).toBe(0);
    expect(r.out).toMatch(/Scenarios: \d+ passed, 0 failed/);
  }
  for (const report of ['reports/ucsp-junit.xml', 'reports/ucsp-report.html']) expect((await stat(join(dir, report))).size, `${name}: ${report}`).toBeGreaterThan(0);
}

describe('docs/ci.md', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('ucsp-ci-docs-');
  });
  afterAll(() => tmp.cleanup());

  it('the install line names the tarball npm pack makes', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(`${pkg.name}-${pkg.version}.tgz`).toMatch(/^ucsp-sandbox-.*\.tgz$/);
  });

  it('the GitHub Actions job passes against the example partner, keeping its reports', async () => {
    const wf = await yamlUnder('GitHub Actions');
    const job = (wf.jobs as Record<string, { env: Record<string, string>; steps: { run?: string; uses?: string; with?: { path?: string } }[] }>).ucsp!;
    const runs = job.steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs.some((r) => INSTALL.test(r))).toBe(true);
    expect(job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))?.with?.path).toBe('reports/');
    const dir = join(tmp.dir, 'github');
    await mkdir(dir);
    await runJob('GitHub Actions', runs, job.env, dir);
  }, 240_000);

  it('the GitLab CI job passes against the example partner, keeping its reports', async () => {
    const doc = await yamlUnder('GitLab CI');
    const job = doc['ucsp-conformance'] as { variables: Record<string, string>; script: string[]; artifacts: { reports: { junit: string }; paths: string[] } };
    expect(job.artifacts.reports.junit).toBe('reports/ucsp-junit.xml');
    expect(job.artifacts.paths).toEqual(['reports/']);
    const dir = join(tmp.dir, 'gitlab');
    await mkdir(dir);
    await runJob('GitLab CI', job.script, job.variables, dir);
  }, 240_000);
});
