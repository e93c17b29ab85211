import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tmp.js';
import { UcspError } from '../errors/index.js';
import { CONFIG_FILE_NAME, DEFAULT_CONFIG } from './defaults.js';
import { checkConfig, loadConfig } from './load-config.js';

let root: string;
let cleanup: () => Promise<void>;
let n = 0;

/** A fresh folder under the test's temp dir, with `files` written into it (objects as JSON). */
async function folder(files: Record<string, unknown> = {}): Promise<string> {
  const dir = join(root, `case-${++n}`);
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

async function configError(p: Promise<unknown>): Promise<UcspError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UcspError);
    expect((e as UcspError).kind).toBe('config');
    expect((e as UcspError).exitCode).toBe(2);
    return e as UcspError;
  }
  throw new Error('expected a config error');
}

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('ucsp-config-'));
});
afterAll(() => cleanup());

describe('loadConfig', () => {
  it('without a file: every default, paths absolute against cwd, and no side effects', async () => {
    const cwd = await folder();
    const { config, file, usedDefaults } = await loadConfig({ cwd });
    expect(usedDefaults).toBe(true);
    expect(file).toBeUndefined();
    expect(config.keysDir).toBe(join(cwd, '.ucsp-sandbox', 'keys'));
    expect(config.partner.certificate).toBe(join(cwd, '.ucsp-sandbox', 'keys', 'partner.cert.pem'));
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 7300,
      timeScale: 1,
      zone: '+08:00',
      bodyLimitBytes: 65536,
      journalLimit: 10000,
      partner: {
        insID: '12345678',
        merId: '123456789012345',
        acqIIN: '00010344',
        industryCode: 'PARKING01',
        indexUrl: 'http://127.0.0.1:7400/ucsp/login',
        signatureVariant: 'SHA256withRSA',
        capabilities: ['login', 'frontend-payment', 'auto-debit', 'cancellation', 'refund'],
      },
      channels: [{ channelCode: 'UPWALLET', name: 'UnionPay App' }],
      users: [
        { userId: 'user-001', mobile: '+85290000001' },
        { userId: 'user-002', mobile: '+85290000002' },
        { userId: 'user-003', mobile: '+85290000003' },
      ],
      notices: { retryScheduleSeconds: [0, 15, 30, 60, 300, 900, 3600, 21600], timeoutMs: 10000 },
      inquiryScheduleSeconds: [0, 1, 2, 4, 8, 16, 32],
      inquiryScheduleMode: 'waits',
      orderExpirySeconds: 900,
      answerForm: 'signed',
      skew: { timeStampSeconds: 300, txnTimeSeconds: 900 },
    });
    expect(config.controlToken).toBeUndefined();
    expect(config.partner.driverUrl).toBeUndefined();
    expect(await readdir(cwd)).toEqual([]); // no keys, no folders
  });

  it('returns a copy: changing the loaded config does not change the defaults', async () => {
    const { config } = await loadConfig({ cwd: await folder() });
    config.users.push({ userId: 'x', mobile: '12345' });
    config.partner.merId = 'CHANGED';
    expect(DEFAULT_CONFIG.users).toHaveLength(3);
    expect(DEFAULT_CONFIG.partner.merId).toBe('123456789012345');
  });

  it('discovers ucsp-sandbox.config.json in cwd; the file beats the defaults, the rest stay default', async () => {
    const cwd = await folder({
      [CONFIG_FILE_NAME]: { $schema: './node_modules/ucsp-sandbox/schemas/config.schema.json', port: 8100, partner: { merId: 'ABCDEFGHIJ12345' }, users: [{ userId: 'u1', mobile: '+85291234567', name: 'Ann' }] },
    });
    const { config, file, usedDefaults } = await loadConfig({ cwd });
    expect(file).toBe(join(cwd, CONFIG_FILE_NAME));
    expect(usedDefaults).toBe(false);
    expect(config.port).toBe(8100);
    expect(config.partner.merId).toBe('ABCDEFGHIJ12345');
    expect(config.partner.insID).toBe('12345678');
    expect(config.users).toEqual([{ userId: 'u1', mobile: '+85291234567', name: 'Ann' }]); // arrays replace, not merge
    expect(config).not.toHaveProperty('$schema');
  });

  it('uses the --config path over a file in cwd; a missing --config file is a config error', async () => {
    const cwd = await folder({ [CONFIG_FILE_NAME]: { port: 1111 }, 'other/my.json': { port: 2222 } });
    const { config, file } = await loadConfig({ cwd, configPath: 'other/my.json' });
    expect(file).toBe(join(cwd, 'other', 'my.json'));
    expect(config.port).toBe(2222);
    const e = await configError(loadConfig({ cwd, configPath: 'nope.json' }));
    expect(e.message).toContain(join(cwd, 'nope.json'));
    expect(e.message).toMatch(/not found/);
  });

  it('overrides beat the file; undefined overrides are ignored', async () => {
    const cwd = await folder({ [CONFIG_FILE_NAME]: { port: 8100, host: '0.0.0.0', partner: { merId: 'ABCDEFGHIJ12345', insID: '87654321' } } });
    const { config } = await loadConfig({ cwd, overrides: { port: 0, host: undefined, partner: { merId: 'ZZZZZZZZZZZZZZZ' } } });
    expect(config.port).toBe(0);
    expect(config.host).toBe('0.0.0.0');
    expect(config.partner.merId).toBe('ZZZZZZZZZZZZZZZ');
    expect(config.partner.insID).toBe('87654321');
  });

  it("resolves relative paths in the file against the file's folder, and in overrides against cwd", async () => {
    const cwd = await folder({ 'conf/sandbox.json': { keysDir: 'keys', partner: { certificate: '../certs/partner.p12', certificatePassword: 'pw' } } });
    const { config } = await loadConfig({ cwd, configPath: 'conf/sandbox.json' });
    expect(config.keysDir).toBe(join(cwd, 'conf', 'keys'));
    expect(config.partner.certificate).toBe(join(cwd, 'certs', 'partner.p12'));
    expect(config.partner.certificatePassword).toBe('pw');
    const flagged = await loadConfig({ cwd, configPath: 'conf/sandbox.json', overrides: { keysDir: 'mykeys' } });
    expect(flagged.config.keysDir).toBe(join(cwd, 'mykeys'));
    // the certificate default follows keysDir
    const dflt = await loadConfig({ cwd: await folder({ [CONFIG_FILE_NAME]: { keysDir: '/abs/keys' } }) });
    expect(dflt.config.partner.certificate).toBe(join('/abs/keys', 'partner.cert.pem'));
  });

  it('reports every problem of a file at once, one per line by dotted path', async () => {
    const cwd = await folder({
      [CONFIG_FILE_NAME]: {
        prot: 7300,
        port: 70000,
        zone: '8 hours',
        partner: { merId: '123', insId: '12345678' },
        users: [
          { userId: 'user-001', mobile: '+85290000001' },
          { userId: 'user-001', mobile: '+85290000002' },
        ],
      },
    });
    const e = await configError(loadConfig({ cwd }));
    expect(e.message).toBe(`invalid configuration in ${join(cwd, CONFIG_FILE_NAME)}`);
    expect(e.details).toContain('partner.merId: must match ^[0-9A-Za-z]{15}$ (got "123")');
    expect(e.details).toContain('prot: unknown key (did you mean port?)');
    expect(e.details).toContain('partner.insId: unknown key (did you mean insID?)');
    expect(e.details).toContain('port: must be <= 65535 (got 70000)');
    expect(e.details.some((d) => d.startsWith('zone: ') && d.endsWith('(got "8 hours")'))).toBe(true);
    expect(e.details).toContain('users.1.userId: duplicate userId "user-001" (also users.0.userId)');
    expect(e.details).toHaveLength(6);
  });

  it('checks the rules across fields: unique channelCodes, non-decreasing schedules, ports that fit', async () => {
    const cwd = await folder({
      [CONFIG_FILE_NAME]: {
        port: 65535,
        channels: [
          { channelCode: 'UPWALLET', name: 'a' },
          { channelCode: 'UPWALLET', name: 'b' },
        ],
        notices: { retryScheduleSeconds: [0, 60, 30] },
        inquiryScheduleSeconds: [5, 1],
        inquiryScheduleMode: 'offsets',
      },
    });
    const e = await configError(loadConfig({ cwd }));
    expect(e.details).toEqual([
      'port: must be 0 or at most 65533: the channel app and the issuer listen on port+1 and port+2 (got 65535)',
      'channels.1.channelCode: duplicate channelCode "UPWALLET" (also channels.0.channelCode)',
      'notices.retryScheduleSeconds.2: must not be less than the entry before it, 60 (the schedule must be non-decreasing; got 30)',
      'inquiryScheduleSeconds.1: must not be less than the entry before it, 5 (the schedule must be non-decreasing; got 1)',
    ]);
  });

  it('validates field formats, hides secrets and masks mobiles in messages', async () => {
    const cwd = await folder({
      [CONFIG_FILE_NAME]: {
        controlToken: '',
        partner: { indexUrl: 'ftp://x', signatureVariant: 'md5', capabilities: ['login', 'login'] },
        users: [{ userId: 'u1', mobile: '+85291234567x' }],
        channels: [{ channelCode: 'A' }],
      },
    });
    const e = await configError(loadConfig({ cwd }));
    expect(e.details).toContain('partner.indexUrl: must match ^https?://[^\\s]+$ (got "ftp://x")');
    expect(e.details).toContain('partner.signatureVariant: must be one of SHA256withRSA, sha256-raw (got "md5")');
    expect(e.details).toContain('partner.capabilities: must not repeat an item (items 0 and 1 are the same) (got ["login","login"])');
    expect(e.details).toContain('users.0.mobile: must match ^[0-9+]{5,20}$ (got "+85********7x")');
    expect(e.details).toContain('channels.0.name: is required');
    expect(e.details.find((d) => d.startsWith('controlToken:'))).toBe('controlToken: must not have fewer than 1 characters');
  });

  it('publicUrl: one base URL or one per server, no path; maxConnections at least 1; allowedHosts are names', async () => {
    const ok = await loadConfig({ cwd: await folder({ [CONFIG_FILE_NAME]: { publicUrl: { ucsp: 'https://ucsp.example' }, allowedHosts: ['ucsp-sandbox'], maxConnections: 50 } }) });
    expect(ok.config.publicUrl).toEqual({ ucsp: 'https://ucsp.example' });
    expect(ok.config.maxConnections).toBe(50);
    expect((await loadConfig({ cwd: await folder() })).config.maxConnections).toBe(DEFAULT_CONFIG.maxConnections);
    const forms = 'must be a base URL http(s)://host[:port] or an object {"ucsp", "channel", "issuer"} of such base URLs';
    for (const [publicUrl, shown] of [
      ['http://sandbox.example/path', '"http://sandbox.example/path"'],
      ['ftp://sandbox.example', '"ftp://sandbox.example"'],
      [7300, '7300'],
      [{ ucsp: 'http://a.example', wallet: 'http://b.example' }, '{"ucsp":"http://a.example","wallet":"http://b.example"}'],
    ] as const) {
      const e = await configError(loadConfig({ cwd: await folder({ [CONFIG_FILE_NAME]: { publicUrl } }) }));
      expect(e.details).toEqual([`publicUrl: ${forms} (got ${shown})`]);
    }
    const port = await configError(loadConfig({ cwd: await folder(), overrides: { publicUrl: 'http://sandbox.example:65535' } }));
    expect(port.details).toEqual(['publicUrl: port must be at most 65533: the channel app and the issuer are at port+1 and port+2 (got 65535)']);
    const bad = await configError(loadConfig({ cwd: await folder({ [CONFIG_FILE_NAME]: { maxConnections: 0, allowedHosts: ['a b'] } }) }));
    expect(bad.details).toEqual(['allowedHosts.0: must match ^[A-Za-z0-9.:_-]+$ (got "a b")', 'maxConnections: must be >= 1 (got 0)']);
  });

  it('blames overrides (flags) by name when they are the problem', async () => {
    const e = await configError(loadConfig({ cwd: await folder(), overrides: { partner: { merId: '123' } } }));
    expect(e.message).toBe('invalid configuration in command-line options');
    expect(e.details).toEqual(['partner.merId: must match ^[0-9A-Za-z]{15}$ (got "123")']);
  });

  it('rejects a document that is not an object', async () => {
    const e = await configError(loadConfig({ cwd: await folder({ [CONFIG_FILE_NAME]: '[1, 2]' }) }));
    expect(e.details).toEqual(['(root): must be an object (got an array)']);
  });

  it('invalid JSON names the file, the reason and where', async () => {
    const cwd = await folder({ [CONFIG_FILE_NAME]: '{\n  "port": 7300,\n  "port": 7301\n}' });
    const e = await configError(loadConfig({ cwd }));
    expect(e.message).toContain(join(cwd, CONFIG_FILE_NAME));
    expect(e.message).toMatch(/duplicate key "port" at offset \d+ \(line 3, column \d+\)/);
    const trailing = await configError(loadConfig({ cwd: await folder({ [CONFIG_FILE_NAME]: '{"port": 1,}' }) }));
    expect(trailing.message).toMatch(/^invalid JSON in .*ucsp-sandbox\.config\.json: expected a key at offset 11 \(line 1, column 12\)$/);
  });

  it('accepts a byte-order mark but not invalid UTF-8', async () => {
    const bom = await folder({ [CONFIG_FILE_NAME]: '\uFEFF{"port": 1234}' });
    expect((await loadConfig({ cwd: bom })).config.port).toBe(1234);
    const bad = await folder();
    await writeFile(join(bad, CONFIG_FILE_NAME), Buffer.from([0x7b, 0xff, 0x7d]));
    expect((await configError(loadConfig({ cwd: bad }))).message).toMatch(/not valid UTF-8/);
  });
});

describe('checkConfig', () => {
  it('returns problems without throwing, for validating one answer at a time', () => {
    expect(checkConfig({ partner: { insID: '12345678' } })).toEqual([]);
    expect(checkConfig({ partner: { insID: '1234' } })).toEqual([{ path: 'partner.insID', message: 'must match ^[0-9]{8}$ (got "1234")' }]);
  });
});

describe('several partners (partners)', () => {
  const A = { insID: '11111111', merId: 'MERCHANTA000001', industryCode: 'PARKING01', token: 'token-of-partner-a-001' };
  const B = { insID: '22222222', merId: 'MERCHANTB000001', industryCode: 'TRANSIT01', token: 'token-of-partner-b-002', certificate: 'b/partner.cert.pem', merIds: ['MERCHANTB000002'] };

  it('resolves each partner over the default one; partner is the first, or the one chosen', async () => {
    const dir = await folder({ [CONFIG_FILE_NAME]: { controlToken: 'the-admin-token-0001', partners: [A, B] } });
    const { config } = await loadConfig({ cwd: dir });
    expect(config.partners?.map((p) => p.insID)).toEqual(['11111111', '22222222']);
    expect(config.partner).toBe(config.partners![0]);
    // defaults filled, certificates absolute: the default one for A, B's own against the file's folder
    expect(config.partners![0]).toMatchObject({ acqIIN: DEFAULT_CONFIG.partner.acqIIN, capabilities: [...DEFAULT_CONFIG.partner.capabilities], certificate: join(dir, DEFAULT_CONFIG.keysDir, 'partner.cert.pem') });
    expect(config.partners![1]).toMatchObject({ certificate: join(dir, 'b', 'partner.cert.pem'), merIds: ['MERCHANTB000002'] });
    // --partner picks one, and the partner flags (overrides.partner) apply to it only
    const chosen = (await loadConfig({ cwd: dir, partner: '22222222', overrides: { partner: { driverUrl: 'http://127.0.0.1:7500/driver' } } })).config;
    expect(chosen.partner.insID).toBe('22222222');
    expect(chosen.partner.driverUrl).toBe('http://127.0.0.1:7500/driver');
    expect(chosen.partners![0]!.driverUrl).toBeUndefined();
  });

  it('refuses what cannot be routed or scoped, every problem at once', async () => {
    const dir = await folder({
      [CONFIG_FILE_NAME]: {
        controlToken: 'the-admin-token-0001',
        partner: { insID: '33333333' },
        partners: [A, { ...B, insID: A.insID, industryCode: A.industryCode, token: 'the-admin-token-0001' }, { insID: '44444444', merId: 'MERCHANTC000001', industryCode: 'SHOP01' }],
      },
    });
    const e = await configError(loadConfig({ cwd: dir }));
    const details = e.details.join('\n');
    expect(details).toContain('partner: give one partner (partner) or several (partners), not both');
    expect(details).toContain('partners.1.insID: duplicate insID "11111111"');
    expect(details).toContain('partners.1.industryCode: duplicate industryCode "PARKING01"');
    expect(details).toContain('partners.1.token: must differ from controlToken');
    expect(details).toContain('partners.2.token: required when several partners share the sandbox');
  });

  it('says which partner a --partner names that the configuration does not have', async () => {
    const dir = await folder({ [CONFIG_FILE_NAME]: { partners: [A, B] } });
    expect((await configError(loadConfig({ cwd: dir, partner: '99999999' }))).details.join('\n')).toContain('no partner with insID "99999999" (registered: 11111111, 22222222)');
    const single = await folder({ [CONFIG_FILE_NAME]: { partner: { insID: '55555555' } } });
    expect((await configError(loadConfig({ cwd: single, partner: '99999999' }))).message).toContain('its partner is 55555555');
  });

  it('checks each partner against the schema: required keys, token length, no secret shown', async () => {
    const dir = await folder({ [CONFIG_FILE_NAME]: { partners: [{ insID: '11111111', token: 'short-secret' }] } });
    const details = (await configError(loadConfig({ cwd: dir }))).details.join('\n');
    expect(details).toMatch(/partners\.0.*merId/);
    expect(details).toMatch(/partners\.0.*industryCode/);
    expect(details).toMatch(/partners\.0\.token/);
    expect(details).not.toContain('short-secret');
  });
});
