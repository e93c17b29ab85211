import type { Command } from 'commander';
import type { ExampleWorld } from '../../../examples/partner/with-sandbox.js';
import type { SandboxConfig } from '../../config/index.js';
import { UcspError } from '../../errors/index.js';
import type { NoticeRecord } from '../../protocol/notice-machine.js';
import type { SandboxClient, JournalView } from '../../scenarios/sandbox-client.js';
import type { ScenarioStep } from '../../scenarios/scenario-schema.js';
import { addConfigFlags, overridesFrom, type ConfigFlags } from '../config-flags.js';
import { c, out } from '../output.js';
import { makeOutput } from '../run-output.js';

function describe(s: ScenarioStep): string {
  if ('drive' in s) return `the partner: ${s.drive} ${JSON.stringify(s.with ?? {})}`;
  if ('user' in s) return `the user: ${s.user} ${JSON.stringify(s.with ?? {})}`;
  if ('world' in s) return `the world: ${s.world} ${JSON.stringify(s.with ?? {})}`;
  if ('wait' in s) return `wait for the partner's ${s.msgType}`;
  return `check ${s.check}`;
}

function show(e: JournalView): void {
  const who = e.direction === 'in' ? (e.channel === 'issuer' ? 'issuer → UCSP' : 'partner → UCSP') : e.channel === 'issuer' ? 'UCSP → issuer' : e.channel === 'cashier' ? 'user → UCSP' : 'UCSP → partner';
  const sig = e.signature ? (e.signature.valid ? c.green('signature valid') : c.red(`signature INVALID: ${e.signature.summary}`)) : '';
  out(`  ${c.dim(`#${e.seq}`)} ${who} ${c.bold(e.msgType ?? e.channel)}${e.responseCode ? ` code ${e.responseCode}` : ''}${e.httpStatus && e.httpStatus !== 200 ? ` HTTP ${e.httpStatus}` : ''} ${sig}${e.note ? c.dim(` — ${e.note}`) : ''}`);
  if (e.parsed) out(c.dim(JSON.stringify((e.parsed as { trxInfo?: unknown }).trxInfo ?? e.parsed).replace(/^/, '      ')));
}

/** Before UCSP sends a notice: send, edit, delay, duplicate, drop or tamper with it. */
async function decide(sandbox: SandboxClient, n: NoticeRecord): Promise<void> {
  const { input, select, editor } = await import('@inquirer/prompts');
  const msg = JSON.parse(n.text) as { trxInfo: Record<string, string>; msgResponse: { responseCode: string } };
  out(`${c.yellow('▶ UCSP is about to send')} ${n.msgType} ${msg.msgResponse.responseCode} for ${n.orderId} to ${n.backUrl}`);
  out(c.dim(`  ${JSON.stringify(msg.trxInfo)}`));
  for (;;) {
    const choice = await select({
      message: 'What should UCSP do with it?',
      choices: [
        { name: 'send it', value: 'send' },
        { name: 'edit it (send an edited, validly signed copy instead)', value: 'edit' },
        { name: 'delay it', value: 'delay' },
        { name: 'duplicate it (send it twice)', value: 'duplicate' },
        { name: 'drop it (the partner must inquire)', value: 'drop' },
        { name: 'tamper with it first (then decide again)', value: 'tamper' },
      ],
    });
    const call = (path: string, body: unknown = {}) => sandbox.call(`/notices/${n.id}${path}`, body);
    if (choice === 'send') return void (await call('/release'));
    if (choice === 'drop') return void (await call('/drop'));
    if (choice === 'duplicate') {
      await call('/release');
      await sandbox.advance(0);
      await call('/send');
      return;
    }
    if (choice === 'delay') {
      const ms = Number(await input({ message: 'Delay by how many seconds (virtual)?', default: '15', validate: (v) => (Number(v) >= 0 ? true : 'a number ≥ 0') }));
      await call('/release');
      await call('/delay', { ms: ms * 1000 });
      return;
    }
    if (choice === 'edit') {
      const edited = await editor({ message: 'Edit trxInfo (JSON); it is re-signed by UCSP', default: JSON.stringify(msg.trxInfo, null, 2), postfix: '.json' });
      let trxInfo: Record<string, string>;
      try {
        trxInfo = JSON.parse(edited) as Record<string, string>;
      } catch {
        out(c.red('  not JSON; try again'));
        continue;
      }
      const r = await call('/send', { trxInfo });
      out(`  the partner answered ${JSON.stringify((r as { attempt: { responseCode?: string; httpStatus?: number } }).attempt)}`);
      await call('/drop');
      return;
    }
    const how = await select({ message: 'Tamper how?', choices: ['signature', 'amount', 'currency', 'unknown-order'].map((v) => ({ name: v, value: v })) });
    const r = (await call('/send', { tamper: how })) as { attempt: { responseCode?: string; httpStatus?: number; problem?: string } };
    out(`  the partner answered the tampered copy: ${r.attempt.responseCode ?? `HTTP ${r.attempt.httpStatus ?? '—'}`}${r.attempt.problem ? c.dim(` (${r.attempt.problem})`) : ''}`);
  }
}

export function registerStep(program: Command): void {
  addConfigFlags(program.command('step').description('step through a scenario one message at a time, deciding what UCSP does with each notice').argument('[scenario]', 'scenario id (asked when omitted)'))
    .option('--example', 'step against the bundled example partner instead of the one in the configuration', false)
    .addHelpText('after', '\nNeeds a terminal. Without partner.driverUrl in the configuration it uses the bundled example partner.\n\nExamples:\n  $ npx ucsp-sandbox step\n  $ npx ucsp-sandbox step frontend-payment/notice-lost --example')
    .action(async (id: string | undefined, opts: ConfigFlags & { example: boolean }) => {
      if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UcspError('usage', 'step is interactive and needs a terminal; use `ucsp-sandbox run` in scripts and CI');
      const [{ confirm, select }, { startExampleWorld }, { loadConfig }, { startSandbox }, { loadScenarios }, { runConformance }, { SandboxClient }] = await Promise.all([
        import('@inquirer/prompts'),
        import('../../../examples/partner/with-sandbox.js'),
        import('../../config/index.js'),
        import('../../sandbox/start-sandbox.js'),
        import('../../scenarios/load-scenarios.js'),
        import('../../scenarios/run-conformance.js'),
        import('../../scenarios/sandbox-client.js'),
      ]);
      const scenarios = (await loadScenarios()).map((l) => l.scenario);
      const chosen = id ?? (await select({ message: 'Which scenario?', pageSize: 15, choices: scenarios.map((s) => ({ name: `${s.id} — ${s.title}`, value: s.id })) }));
      const scenario = scenarios.find((s) => s.id === chosen);
      if (!scenario) throw new UcspError('usage', `no scenario ${chosen}`, { details: [`known: ${scenarios.map((s) => s.id).join(', ')}`] });
      const loaded = await loadConfig({ cwd: process.cwd(), ...(opts.config ? { configPath: opts.config } : {}), overrides: overridesFrom(opts) });
      let world: ExampleWorld | undefined;
      let config: SandboxConfig = loaded.config;
      if (opts.example || !config.partner.driverUrl) {
        world = await startExampleWorld();
        config = world.config;
        out(c.dim(`using the bundled example partner at ${world.partnerUrl}`));
      }
      // our own sandbox, so that the stepper can talk to it (a configured partner knows its port)
      const own = world ? undefined : await startSandbox({ ...config, timeScale: 0 });
      const sandbox = new SandboxClient(world ? world.sandbox.urls.ucsp : own!.urls.ucsp, config.controlToken);
      let seen = 0;
      const output = await makeOutput([{ name: 'console' }], undefined, true);
      try {
        out(`${c.bold(scenario.title)} ${c.dim(`(${scenario.refs.join(' · ')})`)}`);
        const summary = await runConformance({
          config,
          sandboxUrl: sandbox.base,
          filters: [scenario.id],
          hooks: {
            ...output.hooks,
            beforeStep: async (step, i) => {
              // hold every notice, so that each one waits for a decision
              if (i === 0) await sandbox.call('/notices/faults', { action: 'hold', times: 1000 });
              seen = Math.max(seen, (await sandbox.status()).journal.lastSeq);
              out(`\n${c.cyan(`Step ${i + 1}`)}: ${describe(step)}${'note' in step && step.note ? c.dim(` — ${step.note}`) : ''}`);
              if (!(await confirm({ message: 'Run it?', default: true }))) throw new UcspError('usage', 'stopped by you');
            },
            afterStep: async () => {
              for (;;) {
                for (const e of (await sandbox.journal({ since: seen })).entries) {
                  show(e);
                  seen = e.seq;
                }
                const held = (await sandbox.notices()).filter((n) => n.status === 'HELD');
                if (!held.length) break;
                await decide(sandbox, held[0]!);
                await sandbox.advance(0);
              }
            },
          },
        });
        await output.finish(summary);
        process.exitCode = summary.exitCode;
      } finally {
        await world?.close();
        await own?.close();
      }
    });
}
