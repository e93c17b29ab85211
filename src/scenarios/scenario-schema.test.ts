import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { serialiseSchema } from '../schemas/published.js';
import { RESPONSE_CODES } from '../errors/index.js';
import { NOTICE_FAULT_ACTIONS } from '../notices/faults.js';
import { TAMPERS } from '../notices/tamper.js';
import { ISSUER_BEHAVIOURS } from '../protocol/issuer-rules.js';
import { PARTNER_TO_UCSP_TYPES } from '../schemas/message-types.js';
import { FAULTABLE_NOTICE_TYPES, LOGIN_TAMPERS, SIGN_DECISIONS } from '../servers/control-values.js';
import { loadScenarios, scenarioProblems } from './load-scenarios.js';
import { CAPABILITY_NAMES, NOTICE_ANSWER_CODES, PARTNER_CONTRACT_STATUSES, PARTNER_ORDER_STATUSES, SANDBOX_ORDER_STATUSES, ScenarioSchema } from './scenario-schema.js';

describe('scenario schema and the built-in suite', () => {
  it('schemas/scenario.schema.json matches the TypeBox definition (npm run gen:schemas)', async () => {
    expect(await readFile(new URL('../../schemas/scenario.schema.json', import.meta.url), 'utf8')).toBe(serialiseSchema(ScenarioSchema));
  });

  it('every built-in scenario is valid, with a unique id in its capability folder, and every capability has scenarios', async () => {
    const loaded = await loadScenarios();
    expect(loaded.length).toBeGreaterThanOrEqual(40);
    for (const { scenario, file } of loaded) expect(file.replaceAll('\\', '/')).toContain(`scenarios/${scenario.id}.`);
    for (const cap of CAPABILITY_NAMES) expect(loaded.filter((l) => l.scenario.capability === cap).length, cap).toBeGreaterThanOrEqual(3);
    for (const { scenario } of loaded) {
      for (const st of scenario.steps) if ('check' in st) expect(st.hint.length, `${scenario.id}#${st.check}`).toBeGreaterThan(20);
    }
  });
});

describe('closed sets of values are checked at load', () => {
  const base = { id: 'frontend-payment/x', title: 't', capability: 'frontend-payment', refs: ['PROFILE §7'] };
  const check = (expect: unknown) => ({ check: 'c', title: 't', ref: 'r', hint: 'h', expect });
  const problems = (...steps: unknown[]) => scenarioProblems({ ...base, steps });

  it('a misspelt status names the path, the value and every allowed value', () => {
    expect(problems({ drive: 'submitPaymentOrder', as: 'o' }, check({ orderStatus: { orderId: '${o.orderId}', is: 'CREATD' } }))).toEqual([
      `/steps/1/expect/orderStatus/is: "CREATD" is not one of ${PARTNER_ORDER_STATUSES.join(', ')} or a \${name.field} reference`,
    ]);
    expect(problems(check({ orderStatus: { orderId: 'x', is: ['PAID', 'PAYED'] } }))).toEqual([expect.stringMatching(/^\/steps\/0\/expect\/orderStatus\/is\/1: "PAYED" is not one of CREATED, PAID, /)]);
  });

  it('every enumerated expectation and step param rejects an unknown value', () => {
    const cases: [unknown, string, readonly string[]][] = [
      [check({ contractStatus: { contractId: 'x', is: 'OPEN' } }), '/steps/0/expect/contractStatus/is', PARTNER_CONTRACT_STATUSES],
      [check({ sandboxOrder: { orderId: 'x', exists: true, status: 'PAID' } }), '/steps/0/expect/sandboxOrder/status', SANDBOX_ORDER_STATUSES],
      [check({ noticeAnswer: { orderId: 'x', code: '05' } }), '/steps/0/expect/noticeAnswer/code', NOTICE_ANSWER_CODES],
      [check({ refused: { from: 'o', codes: ['01', '1'] } }), '/steps/0/expect/refused/codes/1', RESPONSE_CODES],
      [check({ result: { from: 'o.responseCode', is: ['00', '0'] } }), '/steps/0/expect/result/is/1', RESPONSE_CODES],
      [{ wait: 'request', msgType: 'PAYMENT_RESULT_NOTICE' }, '/steps/0/msgType', PARTNER_TO_UCSP_TYPES],
      [{ user: 'login', with: { tamper: 'replayed' } }, '/steps/0/with/tamper', LOGIN_TAMPERS],
      [{ user: 'sign', with: { orderId: 'x', decision: 'yes' } }, '/steps/0/with/decision', SIGN_DECISIONS],
      [{ world: 'outcome', with: { behaviour: 'approved' } }, '/steps/0/with/behaviour', ISSUER_BEHAVIOURS],
      [{ world: 'noticeFault', with: { action: 'delete' } }, '/steps/0/with/action', NOTICE_FAULT_ACTIONS],
      [{ world: 'noticeFault', with: { action: 'tamper', tamper: 'sig' } }, '/steps/0/with/tamper', TAMPERS],
      [{ world: 'noticeFault', with: { action: 'hold', msgType: 'SUBMIT_PAYMENT_ORDER' } }, '/steps/0/with/msgType', FAULTABLE_NOTICE_TYPES],
      [{ world: 'resendNotice', with: { orderId: 'x', tamper: 'amt' } }, '/steps/0/with/tamper', TAMPERS],
      [{ world: 'forceAnswer', with: { code: '5' } }, '/steps/0/with/code', RESPONSE_CODES],
      [{ world: 'forceAnswer', with: { code: '99', msgType: 'PAYMENT_RESULT_NOTICE' } }, '/steps/0/with/msgType', PARTNER_TO_UCSP_TYPES],
    ];
    for (const [step, path, allowed] of cases) {
      const p = problems(step);
      expect(p, path).toHaveLength(1);
      expect(p[0], path).toMatch(new RegExp(`^${path}: "[^"]+" is not one of `));
      for (const v of allowed) expect(p[0], path).toContain(v);
    }
  });

  it('a ${…} reference stays allowed where the value comes from an earlier result, not in a wait step', () => {
    expect(
      problems(
        { ...check({ orderStatus: { orderId: 'x', is: '${o.status}' } }), check: 'a' },
        { ...check({ noticeAnswer: { orderId: 'x', code: ['${o.responseCode}', 'HTTP 500', 'no answer'] } }), check: 'b' },
        { ...check({ result: { from: 'o.responseCode', is: '${p.responseCode}' } }), check: 'c' },
        { world: 'forceAnswer', with: { code: '${o.responseCode}' } },
      ),
    ).toEqual([]);
    expect(problems({ wait: 'request', msgType: '${o.msgType}' })[0]).toMatch(/^\/steps\/0\/msgType: "\$\{o.msgType\}" is not one of SUBMIT_PAYMENT_ORDER/);
  });

  it('result.is is free where it does not compare a responseCode', () => {
    expect(problems(check({ result: { from: 'paid.status', is: 'APPROVED' } }))).toEqual([]);
  });

  it('required control params, unknown keys and kinds get one clear line each', () => {
    expect(problems({ world: 'outcome', with: { behavior: 'decline' } })).toEqual(['/steps/0/with: behaviour is required']);
    expect(problems({ drvie: 'submitPaymentOrder' })).toEqual(['/steps/0: must have one of drive, user, world, wait, check (did you mean drive?)']);
    expect(problems({ ...check({ requests: 'signed' }), tittle: 'x' })).toEqual(['/steps/0: unknown key "tittle" (did you mean title?)']);
    expect(problems(check({ noticeAnswer: { orderId: 'x', code: 0 } }))).toEqual([expect.stringMatching(/^\/steps\/0\/expect\/noticeAnswer\/code: 0 is not one of 00, .*\(write it in quotes: "00"\)$/)]);
  });
});
