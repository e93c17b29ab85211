import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tmp.js';
import type { UcspError } from '../errors/index.js';
import type { Scenario } from './scenario-schema.js';
import { assertWaiversExist, loadWaivers, waivableKeys, waiverProblems } from './waivers.js';

const check = (id: string) => ({ check: id, title: 't', ref: 'r', hint: 'h', expect: { requests: 'signed' as const } });
const scenarios: Scenario[] = [
  {
    id: 'login/valid-handoff',
    title: 't',
    capability: 'login',
    refs: ['r'],
    steps: [{ user: 'login', as: 'l' }, check('session-opened'), check('accepted')],
  },
  { id: 'refund/result-by-notice', title: 't', capability: 'refund', refs: ['r'], steps: [{ drive: 'submitPaymentOrder' }, { user: 'pay' }, check('refund-succeeded')] },
];

describe('waivable keys', () => {
  it('are every check and every other step (the runner reports a failed step as step-N, from 1)', () => {
    expect([...waivableKeys(scenarios)]).toEqual([
      'login/valid-handoff#step-1',
      'login/valid-handoff#session-opened',
      'login/valid-handoff#accepted',
      'refund/result-by-notice#step-1',
      'refund/result-by-notice#step-2',
      'refund/result-by-notice#refund-succeeded',
    ]);
  });
});

describe('waiverProblems', () => {
  it('accepts entries naming a check or a step of any loaded scenario', () => {
    expect(waiverProblems([{ check: 'login/valid-handoff#accepted' }, { check: 'refund/result-by-notice#step-2', reason: 'slow issuer' }], scenarios)).toEqual([]);
    expect(() => assertWaiversExist([{ check: 'login/valid-handoff#accepted' }], scenarios)).not.toThrow();
  });

  it('lists every entry that names nothing, with the nearest names', () => {
    const p = waiverProblems(
      [
        { check: 'login/valid-handof#session-opened' }, // typo in the scenario
        { check: 'login/valid-handoff#sesion-opened' }, // typo in the check
        { check: 'login/valid-handoff#totally-different-name' },
        { check: 'cancellation/nothing-like-it#x' },
        { check: 'login/valid-handoff#step-2' }, // a check step
        { check: 'login/valid-handoff#step-9' },
        { check: 'login/valid-handoff#accepted' }, // fine
        { check: 'refund/result-by-notice#refund' }, // a shortened id: the checks that contain it, not the nearest step-N
        { check: 'refund/result-by-notic#refund-succeeded' },
      ],
      scenarios,
    );
    expect(p).toEqual([
      'entry 1 (login/valid-handof#session-opened): no scenario login/valid-handof; did you mean login/valid-handoff#session-opened?',
      'entry 2 (login/valid-handoff#sesion-opened): login/valid-handoff has no check sesion-opened; did you mean login/valid-handoff#session-opened?',
      'entry 3 (login/valid-handoff#totally-different-name): login/valid-handoff has no check totally-different-name; the checks of login/valid-handoff: session-opened, accepted',
      'entry 4 (cancellation/nothing-like-it#x): no scenario cancellation/nothing-like-it; the capabilities: login, refund',
      'entry 5 (login/valid-handoff#step-2): step 2 of login/valid-handoff is the check session-opened: name it login/valid-handoff#session-opened',
      'entry 6 (login/valid-handoff#step-9): login/valid-handoff has 3 steps, no step 9',
      'entry 8 (refund/result-by-notice#refund): refund/result-by-notice has no check refund; did you mean refund/result-by-notice#refund-succeeded?',
      'entry 9 (refund/result-by-notic#refund-succeeded): no scenario refund/result-by-notic; did you mean refund/result-by-notice#refund-succeeded?',
    ]);
  });

  it('rejects an entry listed twice', () => {
    expect(waiverProblems([{ check: 'login/valid-handoff#accepted' }, { check: 'refund/result-by-notice#step-1' }, { check: 'login/valid-handoff#accepted', reason: 'again' }], scenarios)).toEqual([
      'entry 3 (login/valid-handoff#accepted): listed twice (also entry 1)',
    ]);
  });

  it('assertWaiversExist throws a configuration error (exit 2) with every problem', () => {
    let error: unknown;
    try {
      assertWaiversExist([{ check: 'login/x#y' }, { check: 'login/valid-handoff#acepted' }], scenarios);
    } catch (e) {
      error = e;
    }
    expect((error as UcspError).exitCode).toBe(2);
    expect(error).toMatchObject({ kind: 'config', details: ['entry 1 (login/x#y): no scenario login/x; the scenarios in login/: login/valid-handoff', expect.stringMatching(/^entry 2 .*did you mean login\/valid-handoff#accepted\?$/)] });
  });
});

describe('loadWaivers', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ucsp-waivers-')));
  afterAll(() => cleanup());
  const load = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    return loadWaivers(join(dir, name));
  };

  it('reads a list, or { expectedFailures: [...] }', async () => {
    expect(await load('a.yaml', '- check: login/valid-handoff#accepted\n  reason: known\n')).toEqual([{ check: 'login/valid-handoff#accepted', reason: 'known' }]);
    expect(await load('b.json', '{"expectedFailures":[{"check":"login/valid-handoff#accepted"}]}')).toEqual([{ check: 'login/valid-handoff#accepted' }]);
  });

  it('lists every malformed entry: bad check, non-string reason, unknown key, not an object', async () => {
    await expect(load('c.yaml', '- check: nope\n- check: login/a#b\n  reason: 3\n- check: login/a#b\n  reasno: typo\n- just a string\n')).rejects.toMatchObject({
      kind: 'config',
      details: [
        'entry 1: check must look like "login/valid-handoff#session-opened" (got "nope")',
        'entry 2: reason must be a string',
        'entry 3: unknown key reasno (an entry has check and reason)',
        'entry 4: must be { check: "<scenario>#<check>", reason }',
      ],
    });
  });

  it('rejects unknown top-level keys and what is not a list', async () => {
    await expect(load('d.yaml', 'expectedFailures: []\nexpectedFailure: []\n')).rejects.toMatchObject({ kind: 'config', message: expect.stringContaining('unknown key expectedFailure') });
    await expect(load('e.yaml', 'check: login/a#b\n')).rejects.toMatchObject({ kind: 'config', message: expect.stringContaining('unknown key check') });
    await expect(load('f.yaml', '')).rejects.toMatchObject({ kind: 'config', message: expect.stringContaining('expected a list') });
  });
});
