/**
 * `ucsp-sandbox init`: writes `ucsp-sandbox.config.json` with the partner's identifiers and a test
 * key set, then says what the partner must register on its side. Asks only on an interactive
 * terminal (stdin and stdout TTYs, CI unset, no --yes); every answer also has a flag.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { CONFIG_FILE_NAME, CONFIG_SCHEMA_REF, DEFAULT_CONFIG } from '../../config/defaults.js';
import type { DeepPartial, SandboxConfig, SandboxConfigFile } from '../../config/config-schema.js';
import { checkConfig, resolveConfig } from '../../config/load-config.js';
import { DEFAULT_P12_PASSWORD, SIGNATURE_VARIANTS, writeTestKeys, type SignatureVariant } from '../../crypto/index.js';
import { UcspError, pathExists } from '../../errors/index.js';
import { c, out, printJson } from '../output.js';

/** What `init` asks for. Paths are as typed: relative to the working folder. */
export interface InitAnswers {
  insID: string;
  merId: string;
  acqIIN: string;
  industryCode: string;
  indexUrl: string;
  /** Absent: the partner has no test driver (yet). */
  driverUrl?: string;
  keysDir: string;
  signatureVariant: SignatureVariant;
}

/** The two prompt kinds `init` uses; `@inquirer/prompts` in real life, a fake in tests. */
export interface Prompter {
  input(config: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  select<T extends string>(config: { message: string; choices: { value: T; name?: string; description?: string }[]; default?: T }): Promise<T>;
}

type PartnerKey = 'insID' | 'merId' | 'acqIIN' | 'industryCode' | 'indexUrl' | 'driverUrl';

/** A prompt validator that applies the configuration's own rule for `partner.<key>`. */
function partnerRule(key: PartnerKey): (value: string) => true | string {
  return (value) => {
    const problem = checkConfig({ partner: { [key]: value } })[0];
    return problem ? problem.message : true;
  };
}

const QUESTIONS: { key: Exclude<PartnerKey, 'driverUrl'>; message: string }[] = [
  { key: 'insID', message: 'Institution ID (insID, 8 digits)' },
  { key: 'merId', message: 'Merchant ID (merId, 15 letters or digits)' },
  { key: 'acqIIN', message: 'Acquirer IIN (acqIIN, 8 digits)' },
  { key: 'industryCode', message: 'Industry code (industryCode, 1–16 letters or digits)' },
  { key: 'indexUrl', message: 'Your login page, INDUSTRY_INDEX_URL (UCSP redirects the browser there with request_data)' },
];

/** The default keys folder as a path relative to the working folder, for a config file at `file`. */
export function defaultKeysDir(cwd: string, file: string): string {
  return relative(cwd, resolve(dirname(file), DEFAULT_CONFIG.keysDir)) || '.';
}

/**
 * Asks for every answer not already in `soFar` (flags), with defaults and the configuration's
 * validation, and returns the complete answers. No TTY needed: pass a fake `prompter`.
 */
export async function askInitAnswers(soFar: Partial<InitAnswers>, prompter: Prompter, keysDirDefault: string = DEFAULT_CONFIG.keysDir): Promise<InitAnswers> {
  const a: Partial<InitAnswers> = { ...soFar };
  for (const q of QUESTIONS) {
    a[q.key] ??= await prompter.input({ message: q.message, default: DEFAULT_CONFIG.partner[q.key], validate: partnerRule(q.key) });
  }
  if (soFar.driverUrl === undefined) {
    const rule = partnerRule('driverUrl');
    const url = await prompter.input({
      message: 'Your test driver API base URL, for the conformance suite (PROFILE §9; empty for none)',
      default: '',
      validate: (v) => (v.trim() === '' ? true : rule(v.trim())),
    });
    if (url.trim() !== '') a.driverUrl = url.trim();
  }
  a.signatureVariant ??= await prompter.select<SignatureVariant>({
    message: 'Signature variant (PROFILE §4)',
    choices: SIGNATURE_VARIANTS.map((v) => ({
      value: v,
      name: v,
      description: v === 'SHA256withRSA' ? 'RSA PKCS#1 v1.5 signature with SHA-256 over the signed bytes' : 'RSA over the SHA-256 hex digest of the signed bytes',
    })),
    default: DEFAULT_CONFIG.partner.signatureVariant,
  });
  a.keysDir ??= await prompter.input({
    message: 'Folder for the test keys',
    default: keysDirDefault,
    validate: (v) => (v.trim() === '' ? 'must not be empty' : true),
  });
  return withDefaults(a, keysDirDefault);
}

/** The answers with defaults for everything not given (what --yes and a non-interactive run use). */
export function withDefaults(given: Partial<InitAnswers>, keysDirDefault: string = DEFAULT_CONFIG.keysDir): InitAnswers {
  const p = DEFAULT_CONFIG.partner;
  const a: InitAnswers = {
    insID: given.insID ?? p.insID,
    merId: given.merId ?? p.merId,
    acqIIN: given.acqIIN ?? p.acqIIN,
    industryCode: given.industryCode ?? p.industryCode,
    indexUrl: given.indexUrl ?? p.indexUrl,
    keysDir: given.keysDir ?? keysDirDefault,
    signatureVariant: given.signatureVariant ?? p.signatureVariant,
  };
  if (given.driverUrl !== undefined) a.driverUrl = given.driverUrl;
  return a;
}

/** Prompt only on an interactive terminal: stdin and stdout TTYs, not CI, no --yes. */
export function shouldPrompt(
  yes: boolean,
  io: { stdinIsTTY?: boolean; stdoutIsTTY?: boolean; env: NodeJS.ProcessEnv } = {
    stdinIsTTY: process.stdin.isTTY,
    stdoutIsTTY: process.stdout.isTTY,
    env: process.env,
  },
): boolean {
  const ci = io.env.CI;
  const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  return !yes && io.stdinIsTTY === true && io.stdoutIsTTY === true && !inCi;
}

const posix = (p: string) => p.split(sep).join('/');

/**
 * The config file `init` writes for these answers: `$schema`, keysDir (relative to the file when
 * the answer was relative) and the partner's identifiers.
 */
export function initDocument(answers: InitAnswers, file: string, cwd: string): SandboxConfigFile {
  const base = dirname(file);
  let schemaRef = posix(relative(base, join(cwd, CONFIG_SCHEMA_REF)));
  if (!schemaRef.startsWith('.')) schemaRef = `./${schemaRef}`;
  const keysDir = isAbsolute(answers.keysDir) ? answers.keysDir : posix(relative(base, resolve(cwd, answers.keysDir))) || '.';
  const partner: NonNullable<SandboxConfigFile['partner']> = {
    insID: answers.insID,
    merId: answers.merId,
    acqIIN: answers.acqIIN,
    industryCode: answers.industryCode,
    indexUrl: answers.indexUrl,
  };
  if (answers.driverUrl !== undefined) partner.driverUrl = answers.driverUrl;
  partner.signatureVariant = answers.signatureVariant;
  return { $schema: schemaRef, keysDir, partner };
}

interface InitOptions {
  config?: string;
  insId?: string;
  merId?: string;
  acqIin?: string;
  industryCode?: string;
  indexUrl?: string;
  driverUrl?: string;
  keysDir?: string;
  signatureVariant?: string;
  yes?: boolean;
  force?: boolean;
  json?: boolean;
}

function inquirerPrompter(output: NodeJS.WritableStream | undefined): Prompter {
  const context = output ? { output } : undefined;
  return {
    input: async (config) => (await import('@inquirer/prompts')).input(config, context),
    select: async (config) => (await import('@inquirer/prompts')).select(config, context),
  };
}

export async function runInit(opts: InitOptions, cwd: string = process.cwd()): Promise<void> {
  const file = resolve(cwd, opts.config ?? CONFIG_FILE_NAME);
  if (!opts.force && (await pathExists(file))) {
    throw new UcspError('usage', `${file} already exists (use --force to overwrite it and the test keys)`);
  }
  const given: Partial<InitAnswers> = {};
  if (opts.insId !== undefined) given.insID = opts.insId;
  if (opts.merId !== undefined) given.merId = opts.merId;
  if (opts.acqIin !== undefined) given.acqIIN = opts.acqIin;
  if (opts.industryCode !== undefined) given.industryCode = opts.industryCode;
  if (opts.indexUrl !== undefined) given.indexUrl = opts.indexUrl;
  if (opts.driverUrl !== undefined) given.driverUrl = opts.driverUrl;
  if (opts.keysDir !== undefined) given.keysDir = opts.keysDir;
  if (opts.signatureVariant !== undefined) given.signatureVariant = opts.signatureVariant as SignatureVariant;

  // Bad flags fail before any question is asked, with the configuration's own messages.
  const { keysDir, ...partnerFlags } = given;
  const flagOverrides: DeepPartial<SandboxConfig> = { keysDir, partner: partnerFlags };
  resolveConfig(undefined, { baseDir: cwd, overrides: flagOverrides });

  const keysDirDefault = defaultKeysDir(cwd, file);
  let answers: InitAnswers;
  if (shouldPrompt(opts.yes === true)) {
    // With --json, stdout carries only the JSON result.
    const output = opts.json ? process.stderr : undefined;
    (output ?? process.stdout).write('Set up ucsp-sandbox for your Industry Service. Press Enter to take the default.\n');
    answers = await askInitAnswers(given, inquirerPrompter(output), keysDirDefault);
  } else {
    answers = withDefaults(given, keysDirDefault);
  }
  const doc = initDocument(answers, file, cwd);
  const config = resolveConfig(doc, { baseDir: dirname(file), cwd, source: file });

  // Keys first: if they cannot be written, no config file is left behind to block a retry.
  const keys = await writeTestKeys(config.keysDir, { force: opts.force === true });
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`, { flag: opts.force ? 'w' : 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UcspError('usage', `${file} already exists (use --force to overwrite it and the test keys)`, { cause: e });
    throw new UcspError('io', `cannot write ${file}: ${code ?? (e as Error).message}`, { cause: e });
  }

  if (opts.json) {
    printJson({
      config: file,
      keysDir: config.keysDir,
      ucspSignCertID: keys.ucsp.serial,
      partnerSignCertID: keys.partner.serial,
      ucspCertificate: keys.files.ucspCert,
      partnerCertificate: keys.files.partnerCert,
    });
    return;
  }
  const p = config.partner;
  out(`${c.green('✔')} wrote ${file}`);
  out(`${c.green('✔')} wrote test keys to ${config.keysDir} (private keys mode 0600)`);
  out();
  out('Set up your Industry Service (partner) test deployment with:');
  out(`  identifiers:  insID ${p.insID} · merId ${p.merId} · acqIIN ${p.acqIIN} · industryCode ${p.industryCode}`);
  out(`  UCSP's certificate, to verify UCSP's messages (signCertID ${keys.ucsp.serial}):`);
  out(`    ${keys.files.ucspCert}`);
  out(`  your signing key: ${keys.files.partnerKey}`);
  out(`    or the key store ${keys.files.partnerP12} (password ${DEFAULT_P12_PASSWORD})`);
  out(`  your certificate, which the sandbox verifies your messages with (signCertID ${keys.partner.serial}):`);
  out(`    ${p.certificate}`);
  out(`  your login page (INDUSTRY_INDEX_URL): ${p.indexUrl}`);
  if (p.driverUrl) out(`  your test driver: ${p.driverUrl}`);
  out(`  signature variant: ${p.signatureVariant}`);
  out();
  out(`Next: ${c.bold('npx ucsp-sandbox start')}`);
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write ucsp-sandbox.config.json with your partner identifiers, and test keys; asks on a terminal, or takes flags')
    .option('--config <path>', `config file to write (default ./${CONFIG_FILE_NAME})`)
    .option('--ins-id <insID>', `institution ID, 8 digits (default ${DEFAULT_CONFIG.partner.insID})`)
    .option('--mer-id <merId>', `merchant ID, 15 [0-9A-Za-z] (default ${DEFAULT_CONFIG.partner.merId})`)
    .option('--acq-iin <acqIIN>', `acquirer IIN, 8 digits (default ${DEFAULT_CONFIG.partner.acqIIN})`)
    .option('--industry-code <code>', `industry code, 1–16 [0-9A-Za-z] (default ${DEFAULT_CONFIG.partner.industryCode})`)
    .option('--index-url <url>', `your INDUSTRY_INDEX_URL, the login hand-off target (default ${DEFAULT_CONFIG.partner.indexUrl})`)
    .option('--driver-url <url>', 'base URL of your test driver API (PROFILE §9)')
    .option('--keys-dir <dir>', `folder for the test keys (default ${DEFAULT_CONFIG.keysDir} next to the config file)`)
    .option('--signature-variant <variant>', `${SIGNATURE_VARIANTS.join(' or ')} (default ${DEFAULT_CONFIG.partner.signatureVariant})`)
    .option('-y, --yes', 'ask nothing: take the flags and defaults')
    .option('--force', 'overwrite an existing config file and keys')
    .option('--json', 'print the result as one JSON object')
    .addHelpText(
      'after',
      `
Asks only when stdin and stdout are a terminal and CI is unset; otherwise (or with --yes) it takes
the flags and the defaults.

Examples:
  $ npx ucsp-sandbox init
  $ npx ucsp-sandbox init --yes
  $ npx ucsp-sandbox init --yes --ins-id 12345678 --mer-id 123456789012345 --index-url https://partner.test/ucsp/login
  $ npx ucsp-sandbox init --yes --config sandbox/ucsp-sandbox.config.json --keys-dir sandbox/keys --force`,
    )
    .action(async (local: InitOptions, cmd: Command) => {
      // The program may define --config or --json globally; take a value wherever it was parsed.
      const defined = Object.fromEntries(Object.entries(local).filter(([, v]) => v !== undefined));
      await runInit({ ...cmd.optsWithGlobals<InitOptions>(), ...defined });
    });
}
