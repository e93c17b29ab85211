import type { Command } from 'commander';
import { collect } from '../options.js';
import { err } from '../output.js';
import { makeOutput, parseReporter, type ReporterSpec } from '../run-output.js';

/**
 * The main job: start the sandbox and the bundled example partner, run the whole built-in suite
 * against it, print the report. It exits 0 when the example partner passes everything.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('start the sandbox and the bundled example partner, run the whole suite against it, print the report')
    .option('--filter <id|glob>', 'only these scenarios (repeatable)', collect, [])
    .option('--reporter <name[=file]>', 'console, json, junit or html (repeatable)', parseReporter, [])
    .option('--output-file <file>', 'file for the (first) json, junit or html reporter')
    .option('--verbose', 'print every step and the coverage matrix', false)
    .addHelpText('after', '\nExamples:\n  $ npx ucsp-sandbox demo\n  $ npx ucsp-sandbox demo --reporter console --reporter html=demo-report.html')
    .action(async (opts: { filter: string[]; reporter: ReporterSpec[]; outputFile?: string; verbose: boolean }) => {
      const [{ startExampleWorld }, { runConformance }] = await Promise.all([import('../../../examples/partner/with-sandbox.js'), import('../../scenarios/run-conformance.js')]);
      const output = await makeOutput(opts.reporter, opts.outputFile, opts.verbose);
      const world = await startExampleWorld();
      err(`sandbox ${world.sandbox.urls.ucsp} · example partner ${world.partnerUrl}`);
      try {
        const summary = await runConformance({ config: world.config, sandboxUrl: world.sandbox.urls.ucsp, filters: opts.filter, hooks: output.hooks });
        await output.finish(summary);
        process.exitCode = summary.exitCode;
      } finally {
        await world.close();
      }
    });
}
