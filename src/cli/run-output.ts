/** Reporter flags → console reporter + report files; shared by `run` and `demo`. */
import { InvalidArgumentError } from 'commander';
import { UcspError } from '../errors/index.js';
import type { FileReporter } from '../reporters/index.js';
import type { RunSummary } from '../scenarios/results.js';
import type { SuiteOptions } from '../scenarios/run-suite.js';
import { setupLines, type PartnerSetup } from '../scenarios/partner-setup.js';
import { c } from './output.js';

const FILE_REPORTER_NAMES: readonly string[] = ['json', 'junit', 'html'];

export interface ReporterSpec {
  name: 'console' | FileReporter;
  file?: string;
}

export function parseReporter(value: string, previous: ReporterSpec[] = []): ReporterSpec[] {
  const [name, file] = value.split(/=(.*)/s) as [string, string | undefined];
  if (name !== 'console' && !FILE_REPORTER_NAMES.includes(name)) throw new InvalidArgumentError('must be console, json, junit or html (optionally name=FILE)');
  return [...previous, { name: name as ReporterSpec['name'], ...(file ? { file } : {}) }];
}

export interface Output {
  hooks: Pick<SuiteOptions, 'onScenarioStart' | 'onScenarioEnd' | 'onLog'>;
  /** What the partner must be configured with, said before the suite starts (stderr or the console stream). */
  setup(s: PartnerSetup): void;
  finish(s: RunSummary): Promise<void>;
}

/**
 * `--output-file` goes to the first file reporter without its own file; json with no file goes to
 * stdout (and the console reporter, if any, to stderr). junit and html need a file.
 */
export async function makeOutput(specs: ReporterSpec[], outputFile: string | undefined, verbose: boolean): Promise<Output> {
  const { ConsoleReporter, jsonReport, writeReports } = await import('../reporters/index.js');
  const list = specs.length ? specs.map((s) => ({ ...s })) : [{ name: 'console' as const }];
  if (outputFile) {
    const target = list.find((s) => s.name !== 'console' && !s.file);
    if (!target) throw new UcspError('usage', '--output-file needs a json, junit or html reporter without its own file');
    target.file = outputFile;
  }
  for (const s of list) if ((s.name === 'junit' || s.name === 'html') && !s.file) throw new UcspError('usage', `--reporter ${s.name} needs a file: --reporter ${s.name}=FILE or --output-file FILE`);
  const jsonToStdout = list.some((s) => s.name === 'json' && !s.file);
  const wantsConsole = list.some((s) => s.name === 'console');
  const stream = jsonToStdout ? process.stderr : process.stdout;
  const con = wantsConsole ? new ConsoleReporter({ write: (x) => stream.write(x), colour: c, tty: Boolean(stream.isTTY) && !process.env.CI, verbose }) : undefined;
  return {
    hooks: {
      onScenarioStart: (s, i, n) => con?.start(s.id, i, n),
      onScenarioEnd: (r, i, n) => con?.end(r, i, n),
      onLog: (line) => con?.log(line),
    },
    setup(setup) {
      // stdout may be the JSON report: the setup goes to stderr (and into the report)
      for (const line of setupLines(setup)) process.stderr.write(`${c.dim(line)}\n`);
      process.stderr.write('\n');
    },
    async finish(s) {
      const files = list.filter((x) => x.name !== 'console' && x.file) as { name: FileReporter; file: string }[];
      const written = await writeReports(s, files.map((f) => ({ reporter: f.name, file: f.file })));
      if (jsonToStdout) process.stdout.write(jsonReport(s));
      con?.summary(s, written);
      const p = s.partnerProcess;
      if (p) {
        const how = p.exit ? ` (it exited: ${p.exit.code ?? p.exit.signal})` : '';
        stream.write(`\nLast lines of your partner's output${how} — ${p.command}:\n${p.lastLines.map((l) => `  | ${l}`).join('\n') || '  (nothing)'}\n`);
      }
    },
  };
}
