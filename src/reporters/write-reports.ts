/** Writes the file reporters' output (json, junit, html); returns the paths written. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UcspError } from '../errors/index.js';
import type { RunSummary } from '../scenarios/results.js';
import { htmlReport } from './html-reporter.js';
import { jsonReport } from './json-reporter.js';
import { junitReport } from './junit-reporter.js';

export const FILE_REPORTERS = { json: jsonReport, junit: junitReport, html: htmlReport } as const;
export type FileReporter = keyof typeof FILE_REPORTERS;

export async function writeReports(s: RunSummary, targets: { reporter: FileReporter; file: string }[]): Promise<string[]> {
  const written: string[] = [];
  for (const t of targets) {
    try {
      await mkdir(dirname(t.file), { recursive: true });
      await writeFile(t.file, FILE_REPORTERS[t.reporter](s));
    } catch (e) {
      throw new UcspError('io', `cannot write the ${t.reporter} report to ${t.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    written.push(t.file);
  }
  return written;
}
