/** `ucsp-sandbox step`: one scenario a step at a time on a terminal, with a decision before each notice. */
import { checkPartnerFlag } from '../options.js';
import type { Command } from 'commander';
import type { ExampleWorld } from '../../../examples/partner/with-sandbox.js';
import type { SandboxConfig } from '../../config/index.js';
import { UcspError } from '../../errors/index.js';
import type { RunningSandbox } from '../../sandbox/start-sandbox.js';
import type { ScenarioResult } from '../../scenarios/results.js';
import type { SandboxClient } from '../../scenarios/sandbox-client.js';
import type { Scenario } from '../../scenarios/scenario-schema.js';
import { addConfigFlags, overridesFrom, type ConfigFlags } from '../config-flags.js';
import { c, err, out } from '../output.js';
import { ACTION_MESSAGE } from '../../scenarios/partner-drivers.js';
import type { MsgType } from '../../schemas/message-types.js';
import { ANSWER_FAULT_CHOICES, answerVerdict, codeChoices } from '../step-answer.js';
import { decide } from '../step-notice.js';
import { checkLine, describeAction, entryLines, numberActions, resultLines } from '../step-view.js';

/** The person stopped the run: answered "no", pressed Ctrl-C at a prompt, or sent a signal. */
class Stopped extends Error {}

const isPromptExit = (e: unknown) => (e as Error | undefined)?.name === 'ExitPromptError';

/** Stops the run: the runner checks the signal before each step; `reason` says where it stopped. */
interface Halt {
  controller: AbortController;
  reason?: string;
}

/** Runs one scenario, asking before each action and before each notice; resolves to the result. */
async function stepThrough(scenario: Scenario, config: SandboxConfig, sandbox: SandboxClient, halt: Halt): Promise<ScenarioResult> {
  const [{ confirm, select }, { runConformance }] = await Promise.all([import('@inquirer/prompts'), import('../../scenarios/run-conformance.js')]);
  const numbers = numberActions(scenario);
  const stop = (reason: string) => {
    halt.reason ??= reason;
    halt.controller.abort();
  };
  let seen = 0;
  let started = false;
  let where = 'before the first step';
  let result: ScenarioResult | undefined;
  /** A fault set on UCSP's answer to this step's request, and where the journal stood before it. */
  let answerFault: { msgType: string; since: number } | undefined;
  /** After a step whose answer was corrupted: the corrupted answer, and what the partner made of it. */
  const judgeAnswer = async (stepResult: Record<string, unknown> | 'step-failed' | undefined) => {
    if (!answerFault) return;
    const { msgType, since } = answerFault;
    answerFault = undefined;
    await showNew();
    const entries = (await sandbox.journal({ since, channel: 'api' })).entries;
    const corrupted = entries.find((e) => e.direction === 'out' && e.msgType === msgType && e.corrupted);
    // a partner that sent no request leaves the fault unused: it must not hit a later step
    if (!corrupted) await sandbox.call('/api/faults', undefined, { method: 'DELETE' });
    const verdict = answerVerdict(stepResult, corrupted, c);
    if (verdict) out(verdict);
  };
  const showNew = async () => {
    for (const e of (await sandbox.journal({ since: seen })).entries) {
      for (const line of entryLines(e, c)) out(line);
      seen = e.seq;
    }
  };
  const summary = await runConformance({
    config,
    sandboxUrl: sandbox.base,
    filters: [scenario.id],
    signal: halt.controller.signal,
    hooks: {
      onLog: (line) => {
        const shown = checkLine(line, c);
        if (shown !== undefined) out(shown);
      },
      onScenarioEnd: (r) => {
        result = r;
      },
      // a throw here ends the run (a throw in afterStep would count as the step failing)
      beforeStep: async (step, index, _scenario, vars) => {
        if (halt.controller.signal.aborted) throw new Stopped();
        if (!started) {
          // hold every notice, so that each one waits for a decision
          await sandbox.call('/notices/faults', { action: 'hold', times: 1000 });
          seen = (await sandbox.status()).journal.lastSeq;
          started = true;
        }
        const label = `step ${numbers.of.get(index) ?? '?'} of ${numbers.total}`;
        where = `before ${label}`;
        out(`\n${c.cyan(label.replace(/^s/, 'S'))}: ${describeAction(step, vars)}`);
        if ('note' in step && step.note) out(c.dim(`  ${step.note}`));
        let go: boolean;
        try {
          const msgType = 'drive' in step ? ACTION_MESSAGE[step.drive] : undefined;
          if (msgType) {
            // UCSP answers while the partner waits: a fault on its answer is chosen before the step
            const choice = await select({
              message: 'Run it?',
              theme: { indexMode: 'number' },
              choices: [
                { value: 'yes', name: 'yes' },
                { value: 'corrupt', name: `yes, and corrupt UCSP's answer to its ${msgType} on the way` },
                { value: 'no', name: 'no — stop here' },
              ],
            });
            go = choice !== 'no';
            if (choice === 'corrupt') {
              const fault = await select({ message: 'Corrupt it how?', theme: { indexMode: 'number' }, choices: ANSWER_FAULT_CHOICES });
              const code = await select({ message: 'What should the corrupted answer say?', theme: { indexMode: 'number' }, choices: codeChoices(msgType as MsgType, fault) });
              const since = (await sandbox.status()).journal.lastSeq;
              await sandbox.call('/api/faults', { fault, msgType, ...(code === 'genuine' ? {} : { code }) });
              answerFault = { msgType, since };
              out(c.dim(`  UCSP processes the request as any and keeps its genuine answer; the partner gets a corrupted one (${fault}). PROFILE §3/§4: it must take it as no answer.`));
            }
          } else {
            go = await confirm({ message: 'Run it?', default: true });
          }
        } catch (e) {
          if (isPromptExit(e)) stop(`interrupted ${where}`);
          throw e;
        }
        if (!go) {
          stop(`stopped ${where}`);
          throw new Stopped();
        }
        where = `at ${label}`;
      },
      afterStep: async (_step, index, _scenario, stepResult) => {
        try {
          await judgeAnswer(stepResult as Record<string, unknown> | undefined);
          for (;;) {
            await showNew();
            if (halt.controller.signal.aborted) return;
            const held = (await sandbox.notices()).filter((n) => n.status === 'HELD');
            if (!held.length) return;
            const clockMovesLater = scenario.steps.slice(index + 1).some((s) => 'world' in s && s.world === 'advance');
            await decide(held[0]!, { sandbox, showNew, clockMovesLater });
            await sandbox.advance(0);
          }
        } catch (e) {
          if (!isPromptExit(e)) throw e;
          stop(`interrupted ${where}`);
        }
      },
    },
  }).catch((e: unknown) => {
    if (halt.reason !== undefined) throw new Stopped(halt.reason);
    throw e;
  });
  if (halt.reason !== undefined) throw new Stopped(halt.reason);
  // the messages of a step that failed (its afterStep did not run), and its corrupted answer judged
  await showNew();
  await judgeAnswer('step-failed');
  if (!result) throw new UcspError('common', `scenario ${scenario.id} did not run (${summary.counts.total} run)`);
  return result;
}

export function registerStep(program: Command): void {
  addConfigFlags(program.command('step').description('step through a scenario one message at a time, deciding what UCSP does with each notice').argument('[scenario]', 'scenario id (asked when omitted)'))
    .option('--example', 'step against the bundled example partner instead of the one in the configuration', false)
    .option('--partner <insID>', 'the partner to step, when the configuration lists several (partners); default the first')
    .addHelpText(
      'after',
      `
Needs a terminal. Without partner.driverUrl in the configuration it uses the bundled example partner.
Before each step it asks "Run it?" — for a step that makes your partner send a request, it also offers
to corrupt UCSP's answer to it on the way; before UCSP sends a notice it asks what to do with it (keys 1–6).
"edit" opens $VISUAL or $EDITOR (vim when neither is set). Ctrl-C stops: exit code 130.

Examples:
  $ npx ucsp-sandbox step
  $ npx ucsp-sandbox step frontend-payment/notice-lost --example
  $ EDITOR=nano npx ucsp-sandbox step frontend-payment/happy-path --example`,
    )
    .action(async (id: string | undefined, opts: ConfigFlags & { example: boolean; partner?: string }) => {
      checkPartnerFlag(opts.partner);
      if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UcspError('usage', 'step is interactive and needs a terminal; use `ucsp-sandbox run` in scripts and CI');
      // the prompts colour on their own: tell them too when colour is off (--no-color, TERM=dumb)
      if (c.level === 0 && !process.env.NO_COLOR) process.env.NO_COLOR = '1';
      const [{ select }, { startExampleWorld }, { loadConfig }, { startSandbox }, { loadScenarios }, { SandboxClient }] = await Promise.all([
        import('@inquirer/prompts'),
        import('../../../examples/partner/with-sandbox.js'),
        import('../../config/index.js'),
        import('../../sandbox/start-sandbox.js'),
        import('../../scenarios/load-scenarios.js'),
        import('../../scenarios/sandbox-client.js'),
      ]);
      const scenarios = (await loadScenarios()).map((l) => l.scenario);
      let chosen = id;
      if (chosen === undefined) {
        try {
          chosen = await select({ message: 'Which scenario?', pageSize: 15, choices: scenarios.map((s) => ({ name: `${s.id} — ${s.title}`, value: s.id })) });
        } catch (e) {
          if (!isPromptExit(e)) throw e;
          err('interrupted');
          process.exitCode = 130;
          return;
        }
      }
      const scenario = scenarios.find((s) => s.id === chosen);
      if (!scenario) throw new UcspError('usage', `no scenario ${chosen}`, { details: [`known: ${scenarios.map((s) => s.id).join(', ')}`] });
      const loaded = await loadConfig({ cwd: process.cwd(), ...(opts.config ? { configPath: opts.config } : {}), overrides: overridesFrom(opts), ...(opts.partner ? { partner: opts.partner } : {}) });

      // Ctrl-C outside a prompt (a prompt turns it into ExitPromptError): close everything, exit 130.
      const example = opts.example || !loaded.config.partner.driverUrl;
      let starting: Promise<ExampleWorld | RunningSandbox> | undefined;
      let closing: Promise<void> | undefined;
      const close = () =>
        (closing ??= (async () => {
          await (await starting?.catch(() => undefined))?.close();
        })());
      const halt: Halt = { controller: new AbortController() };
      let signalled = 0;
      const onSignal = (code: number) => () => {
        if (signalled) process.exit(code);
        signalled = code;
        halt.reason ??= 'interrupted';
        halt.controller.abort();
        err(`\ninterrupted: closing the sandbox${example ? ' and the example partner' : ''} (Ctrl-C again to quit at once)`);
        void close().finally(() => process.exit(code));
      };
      const onInt = onSignal(130);
      const onTerm = onSignal(143);
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      try {
        let config = loaded.config;
        let ucspUrl: string;
        let token = config.controlToken;
        if (example) {
          const world = await (starting = startExampleWorld());
          config = world.config;
          ucspUrl = world.sandbox.urls.ucsp;
          out(c.dim(`using the bundled example partner at ${world.partnerUrl}`));
        } else {
          // our own sandbox, so that the stepper can talk to it (a configured partner knows its port)
          const own = await (starting = startSandbox({ ...config, timeScale: 0 }));
          // this machine talks to it where it is bound, with the token it may have made
          ucspUrl = own.localUrls.ucsp;
          token = own.generatedToken ?? token;
          out(c.dim(`stepping your partner through its test driver at ${config.partner.driverUrl}`));
        }
        // a sandbox of several partners (partners in the configuration): the one under test is named
        const sandbox = new SandboxClient(ucspUrl, token, config.partner.insID);
        const numbers = numberActions(scenario);
        out(`\n${c.bold(scenario.id)} — ${scenario.title}`);
        out(c.dim(`  ${scenario.refs.join(' · ')}`));
        out(c.dim(`  ${numbers.total} steps, each run when you confirm it; UCSP holds every notice for your decision. Ctrl-C stops.`));
        let r: ScenarioResult;
        try {
          r = await stepThrough(scenario, config, sandbox, halt);
        } catch (e) {
          if (!(e instanceof Stopped)) throw e;
          if (!signalled) err(`\n${e.message}: the scenario is not judged`);
          process.exitCode = signalled || 130;
          return;
        }
        for (const line of resultLines(r, numbers, c)) out(line);
        process.exitCode = r.status === 'FAILED' ? 1 : 0;
      } catch (e) {
        // after a signal the run breaks where it was; the signal handler closes everything and exits
        if (!signalled) throw e;
        process.exitCode = signalled;
      } finally {
        if (!signalled) {
          await close();
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
        }
      }
    });
}
