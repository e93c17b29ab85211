/** The real CLI's `init`, plus its prompting logic driven by a fake prompter (no TTY needed). */
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askInitAnswers, initDocument, shouldPrompt, withDefaults, type Prompter } from '../../src/cli/commands/init.js';
import { loadConfig } from '../../src/config/index.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

let root: string;
let cleanup: () => Promise<void>;
let n = 0;
const fresh = async () => {
  const d = join(root, `cwd-${++n}`);
  await mkdir(d);
  return d;
};
// A child that waited for an answer would hang until the test timeout; runCli also closes stdin at once.
// CI unset so that only the missing TTY keeps `init` from asking.
const env = { CI: undefined };

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('ucsp-init-'));
});
afterAll(() => cleanup());

describe('ucsp-sandbox init (real CLI)', () => {
  let cwd: string;
  let firstConfig: string;

  it(
    'init --yes without a TTY writes a valid config and keys, and says what to register',
    async () => {
      cwd = await fresh();
      const r = await runCli(['init', '--yes'], { cwd, env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      firstConfig = await readFile(join(cwd, 'ucsp-sandbox.config.json'), 'utf8');
      expect(JSON.parse(firstConfig)).toEqual({
        $schema: './node_modules/ucsp-sandbox/schemas/config.schema.json',
        keysDir: '.ucsp-sandbox/keys',
        partner: {
          insID: '12345678',
          merId: '123456789012345',
          acqIIN: '00010344',
          industryCode: 'PARKING01',
          indexUrl: 'http://127.0.0.1:7400/ucsp/login',
          signatureVariant: 'SHA256withRSA',
        },
      });
      const keys = join(cwd, '.ucsp-sandbox', 'keys');
      expect((await readdir(keys)).sort()).toEqual(['ca.cert.pem', 'partner.cert.pem', 'partner.key.pem', 'partner.p12', 'ucsp.cert.pem', 'ucsp.key.pem']);
      expect((await stat(join(keys, 'partner.key.pem'))).mode & 0o777).toBe(0o600);
      // the same loader the sandbox uses accepts it
      const loaded = await loadConfig({ cwd });
      expect(loaded.usedDefaults).toBe(false);
      expect(loaded.config.partner.certificate).toBe(join(keys, 'partner.cert.pem'));
      // what the partner must register, and the next step
      expect(r.stdout).toContain(join(keys, 'ucsp.cert.pem'));
      expect(r.stdout).toContain(join(keys, 'partner.cert.pem'));
      expect(r.stdout).toMatch(/signCertID [0-9]+/);
      expect(r.stdout).toContain('npx ucsp-sandbox start');
    },
  );

  it('a second init without --force exits 2 and leaves the config alone; --force overwrites', async () => {
    const again = await runCli(['init', '--yes', '--mer-id', 'ABCDEFGHIJ12345'], { cwd, env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(again.stderr).toContain('--force');
    expect(again.stderr).not.toContain('    at ');
    expect(await readFile(join(cwd, 'ucsp-sandbox.config.json'), 'utf8')).toBe(firstConfig);

    const forced = await runCli(['init', '--yes', '--force', '--mer-id', 'ABCDEFGHIJ12345', '--json'], { cwd, env });
    expect(forced.code).toBe(0);
    const result = JSON.parse(forced.stdout) as Record<string, string>;
    expect(result).toMatchObject({ config: join(cwd, 'ucsp-sandbox.config.json'), keysDir: join(cwd, '.ucsp-sandbox', 'keys') });
    expect(result.ucspSignCertID).toMatch(/^[0-9]+$/);
    expect(result.partnerSignCertID).toMatch(/^[0-9]+$/);
    expect((await loadConfig({ cwd })).config.partner.merId).toBe('ABCDEFGHIJ12345');
  });

  it('without --yes and without a TTY it asks nothing and takes the defaults', async () => {
    const d = await fresh();
    const r = await runCli(['init'], { cwd: d, env });
    expect(r.code).toBe(0);
    expect((await loadConfig({ cwd: d })).config.partner.insID).toBe('12345678');
  });

  it('init --yes --mer-id 123 exits 2 naming partner.merId, and writes nothing', async () => {
    const d = await fresh();
    const r = await runCli(['init', '--yes', '--mer-id', '123', '--signature-variant', 'md5'], { cwd: d, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid configuration');
    expect(r.stderr).toContain('partner.merId: must match ^[0-9A-Za-z]{15}$ (got "123")');
    expect(r.stderr).toContain('partner.signatureVariant');
    expect(await readdir(d)).toEqual([]);
  });

  it('--config in a subfolder: keysDir and $schema are written relative to the config file', async () => {
    const d = await fresh();
    const r = await runCli(
      ['init', '--yes', '--config', 'sandbox/my.json', '--keys-dir', 'keys', '--ins-id', '87654321', '--driver-url', 'http://127.0.0.1:7500/driver', '--signature-variant', 'sha256-raw'],
      { cwd: d, env },
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(await readFile(join(d, 'sandbox', 'my.json'), 'utf8')) as { $schema: string; keysDir: string };
    expect(doc.$schema).toBe('../node_modules/ucsp-sandbox/schemas/config.schema.json');
    expect(doc.keysDir).toBe('../keys');
    const { config } = await loadConfig({ cwd: d, configPath: 'sandbox/my.json' });
    expect(config.keysDir).toBe(join(d, 'keys'));
    expect(config.partner).toMatchObject({ insID: '87654321', driverUrl: 'http://127.0.0.1:7500/driver', signatureVariant: 'sha256-raw' });
    expect((await readdir(join(d, 'keys'))).length).toBe(6);
  });

  it('--help shows the flags and examples', async () => {
    const r = await runCli(['init', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--ins-id', '--mer-id', '--acq-iin', '--industry-code', '--index-url', '--driver-url', '--keys-dir', '--signature-variant', '--yes', '--force', '--json', 'Examples:']) {
      expect(r.stdout).toContain(flag);
    }
  });
});

/** Answers questions from a script, and records what was asked. */
function fakePrompter(replies: Record<string, string>): Prompter & { asked: string[]; validator: (about: string) => ((v: string) => true | string) | undefined } {
  const asked: string[] = [];
  const validators = new Map<string, (v: string) => true | string>();
  const reply = (message: string, dflt: string | undefined): string => {
    asked.push(message);
    const key = Object.keys(replies).find((k) => message.includes(k));
    return key === undefined ? (dflt ?? '') : (replies[key] ?? '');
  };
  return {
    asked,
    validator: (about) => [...validators].find(([m]) => m.includes(about))?.[1],
    input: async (config) => {
      const answer = reply(config.message, config.default);
      if (config.validate) {
        validators.set(config.message, config.validate);
        const ok = config.validate(answer);
        if (ok !== true) throw new Error(`fake prompter: answer ${JSON.stringify(answer)} rejected: ${ok}`);
      }
      return answer;
    },
    select: async <T extends string>(config: { message: string; choices: { value: T }[]; default?: T }) => {
      const answer = reply(config.message, config.default) as T;
      expect(config.choices.map((ch) => ch.value)).toContain(answer);
      return answer;
    },
  };
}

describe('init prompting (no TTY needed)', () => {
  it('asks only for what the flags left out, with defaults, and returns complete answers', async () => {
    const p = fakePrompter({ merId: 'ABCDEFGHIJ12345', 'test driver': '' });
    const a = await askInitAnswers({ insID: '87654321', keysDir: 'k' }, p);
    expect(p.asked.some((m) => m.includes('insID'))).toBe(false);
    expect(p.asked.some((m) => m.includes('test keys'))).toBe(false);
    expect(p.asked.some((m) => m.includes('merId'))).toBe(true);
    expect(p.asked).toHaveLength(6); // merId, acqIIN, industryCode, indexUrl, driverUrl, signature variant
    expect(a).toEqual({
      insID: '87654321',
      merId: 'ABCDEFGHIJ12345',
      acqIIN: '00010344',
      industryCode: 'PARKING01',
      indexUrl: 'http://127.0.0.1:7400/ucsp/login',
      keysDir: 'k',
      signatureVariant: 'SHA256withRSA',
    });
    expect(a).not.toHaveProperty('driverUrl');
  });

  it("validates each answer with the configuration's rules", async () => {
    const p = fakePrompter({ 'test driver': 'https://partner.test/driver' });
    const a = await askInitAnswers({}, p);
    expect(a.driverUrl).toBe('https://partner.test/driver');
    expect(p.asked).toHaveLength(8);
    expect(p.validator('merId')?.('123')).toBe('must match ^[0-9A-Za-z]{15}$ (got "123")');
    expect(p.validator('insID')?.('1234567X')).toMatch(/^must match/);
    expect(p.validator('insID')?.('12345678')).toBe(true);
    expect(p.validator('test driver')?.('')).toBe(true);
    expect(p.validator('test driver')?.('not a url')).toMatch(/^must match/);
    expect(p.validator('test keys')?.(' ')).toBe('must not be empty');
    await expect(askInitAnswers({}, fakePrompter({ merId: 'short' }))).rejects.toThrow(/rejected/);
  });

  it('prompts only with stdin and stdout TTYs, CI unset, and no --yes', () => {
    const tty = { stdinIsTTY: true, stdoutIsTTY: true, env: {} };
    expect(shouldPrompt(false, tty)).toBe(true);
    expect(shouldPrompt(true, tty)).toBe(false);
    expect(shouldPrompt(false, { ...tty, stdinIsTTY: false })).toBe(false);
    expect(shouldPrompt(false, { ...tty, stdoutIsTTY: undefined })).toBe(false);
    expect(shouldPrompt(false, { ...tty, env: { CI: 'true' } })).toBe(false);
    expect(shouldPrompt(false, { ...tty, env: { CI: '1' } })).toBe(false);
  });

  it('builds the document with paths relative to the config file', () => {
    const doc = initDocument(withDefaults({ keysDir: '/abs/keys' }), '/w/ucsp-sandbox.config.json', '/w');
    expect(doc.keysDir).toBe('/abs/keys');
    expect(doc.$schema).toBe('./node_modules/ucsp-sandbox/schemas/config.schema.json');
  });
});
