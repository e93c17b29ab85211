/**
 * Every citation of the protocol in the repository names a heading of docs/protocol.md, and nothing
 * in the repository or in the npm package points at files outside it.
 *
 * Citations: "PROFILE §N" and every other "§N" (they cite the profile, unless an RFC is named before
 * it, as in "RFC 8259 §8.1"), and "seed: N. Title"
 * (also written seed "N. Title") for the UCSP flows of Appendix A — in scenario files (refs, ref,
 * hints), sources, tests, examples, fixtures, schemas, the README and docs. The scenarios' `refs`
 * and `ref` values must each be one whole citation, since reports link them.
 *
 * No network, no build: the file walk and `npm pack --dry-run --ignore-scripts --offline`.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../src/errors/package-root.js';
import { PROTOCOL_DOC, resolveRef } from '../../src/scenarios/refs.js';
import { markdownHeadings } from '../support/markdown.js';

const root = packageRoot();
/** Not part of the project: dependencies, build output, local state (as in .gitignore). */
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.ucsp-sandbox', 'coverage', 'reports', 'tmp', 'out', 'test-artifacts']);
const CITING = /\.(?:ts|js|mjs|cjs|ya?ml|md|json)$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(path, out);
    } else if (st.isFile() && !name.endsWith('.log') && !name.endsWith('.tgz')) out.push(relative(root, path));
  }
  return out;
}

const files = walk(root);
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const isText = (file: string) => !readFileSync(join(root, file)).includes(0);

const headings = new Set(markdownHeadings(read(PROTOCOL_DOC)).map((h) => h.text));
const PROFILE_CITE = /(?<!RFC \d+ )§\s*(\d+(?:\.\d+)*)/g;
const SEED_CITE = /\b[Ss]eed\b[:,]?\s*"?(\d+(?:\.\d+)*\.?\s+[A-Z][\w-]*(?: [A-Z][\w-]*)*)/g;

interface Citation {
  file: string;
  line: number;
  text: string;
}

function citations(file: string): Citation[] {
  const out: Citation[] = [];
  read(file)
    .split('\n')
    .forEach((line, i) => {
      for (const m of line.matchAll(PROFILE_CITE)) out.push({ file, line: i + 1, text: `PROFILE §${m[1]}` });
      for (const m of line.matchAll(SEED_CITE)) out.push({ file, line: i + 1, text: `seed: ${m[1]}` });
    });
  return out;
}

/** A citation that does not name a heading of docs/protocol.md, as `file:line citation`. */
const unresolved = (c: Citation) => {
  const r = resolveRef(c.text);
  return r && headings.has(r.heading) ? [] : [`${c.file}:${c.line} ${c.text}`];
};

describe('citations of the protocol', () => {
  const citingFiles = files.filter((f) => CITING.test(f) && f !== 'package-lock.json');
  const all = citingFiles.flatMap(citations);

  it('collects "PROFILE §N", a list "§N and §M" and seed flows, and not another document\'s sections', () => {
    const texts = (line: string) => [...line.matchAll(PROFILE_CITE)].map((m) => m[1]).concat([...line.matchAll(SEED_CITE)].map((m) => m[1]));
    expect(texts(`PROFILE ${'§'}6.9 and ${'§'}6.10; RFC 8259 ${'§'}8.1`)).toEqual(['6.9', '6.10']);
    expect(texts(`refs: ["seed${':'} 3.3 Backend Payment Flow"], seed "2. Frontend Payment Flow" step 3, a random seed: 42`)).toEqual(['3.3 Backend Payment Flow', '2. Frontend Payment Flow']);
  });

  it('finds the citations of the scenarios, sources, examples, README and docs', () => {
    const where = (prefix: string) => all.filter((c) => c.file.startsWith(prefix)).length;
    expect(where('scenarios/')).toBeGreaterThan(200);
    expect(where('src/')).toBeGreaterThan(50);
    expect(where('examples/')).toBeGreaterThan(5);
    expect(where('README.md')).toBeGreaterThan(3);
    expect(where('docs/')).toBeGreaterThan(20);
    expect(all.some((c) => c.text.startsWith('seed: ') && c.file.startsWith('scenarios/'))).toBe(true);
    expect(all.some((c) => c.text.startsWith('seed: ') && c.file.startsWith('src/'))).toBe(true);
  });

  it('every "PROFILE §N", "§N" and "seed: N. Title" names a heading of docs/protocol.md', () => {
    expect(all.flatMap(unresolved)).toEqual([]);
  });

  it('every refs and ref of a scenario file is one citation that resolves', () => {
    const bad: string[] = [];
    let count = 0;
    for (const file of files.filter((f) => /^scenarios\/.*\.(?:ya?ml|json)$/.test(f))) {
      const s = parse(read(file)) as { refs?: unknown[]; steps?: { ref?: unknown }[] };
      const refs = [...(s.refs ?? []), ...(s.steps ?? []).flatMap((step) => (step.ref === undefined ? [] : [step.ref]))];
      for (const ref of refs) {
        count++;
        const r = typeof ref === 'string' ? resolveRef(ref) : undefined;
        if (!r || !headings.has(r.heading)) bad.push(`${file}: ${String(ref)}`);
      }
    }
    expect(count).toBeGreaterThan(200);
    expect(bad).toEqual([]);
  });

  it('links from the README and docs into docs/protocol.md name existing anchors', () => {
    const anchors = new Set(markdownHeadings(read(PROTOCOL_DOC)).map((h) => h.anchor));
    const bad: string[] = [];
    let count = 0;
    for (const file of files.filter((f) => f.endsWith('.md'))) {
      for (const m of read(file).matchAll(/\]\(([^)\s]*protocol\.md)(?:#([^)\s]+))?\)/g)) {
        count++;
        const target = join(file, '..', m[1]!);
        if (relative(root, join(root, target)) !== PROTOCOL_DOC || (m[2] !== undefined && !anchors.has(m[2]))) bad.push(`${file}: ${m[0]}`);
      }
    }
    expect(count).toBeGreaterThan(1);
    expect(bad).toEqual([]);
  });
});

/** A path into the team's folder outside the repository (relative or absolute, or its spec, seed or guides subfolders), or the original file name of the profile. */
const OUTSIDE_PATH = /(?:\.\.\/|\/work\/)shared\b|\bshared\/(?:spec|seed|guides)\b|\bPROFILE\.md\b/;

function outsideRefs(list: string[]): string[] {
  return list.filter(isText).flatMap((file) =>
    read(file)
      .split('\n')
      .flatMap((line, i) => (OUTSIDE_PATH.test(line) ? [`${file}:${i + 1} ${line.trim()}`] : [])),
  );
}

describe('nothing points outside the repository', () => {
  it('the pattern catches the forms it is meant to catch, and not prose', () => {
    const s = 'shared';
    for (const bad of [`../${s}/spec/x`, `../../../${s}/spec/P.md`, `/work/${s}/seed/x.txt`, `see ${s}/guides/y`, `[p](PROFILE${'.'}md)`]) expect(OUTSIDE_PATH.test(bad), bad).toBe(true);
    for (const ok of [`${s} by commands`, `a ${s} folder`, 'docs/protocol.md', 'PROFILE §6.3']) expect(OUTSIDE_PATH.test(ok), ok).toBe(false);
  });

  it('no file of the repository references shared/ paths', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(outsideRefs(files)).toEqual([]);
  });

  it('the npm package ships docs/protocol.md and no file of it references shared/ paths', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts', '--offline'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const shipped = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(shipped).toContain(PROTOCOL_DOC);
    expect(shipped).toContain('README.md');
    expect(outsideRefs(shipped)).toEqual([]);
  }, 60_000);
});
