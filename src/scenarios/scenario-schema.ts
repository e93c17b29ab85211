/**
 * The scenario file format (YAML or JSON), as TypeBox: the JSON Schema published in
 * `schemas/scenario.schema.json` and the TypeScript types come from this one definition.
 *
 * A scenario drives the partner (PROFILE §9 actions), acts as the user or the world (control API),
 * waits, and checks. Strings may refer to earlier results as `${name.field}`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { RESPONSE_CODES } from '../errors/index.js';
import { ANSWER_FAULT_KINDS } from '../gateway/corrupt-answer.js';
import { NOTICE_FAULT_ACTIONS } from '../notices/faults.js';
import { NOTICE_RESULTS, TAMPERS } from '../notices/tamper.js';
import { SIGNING_STATUSES } from '../protocol/contract-machine.js';
import { ISSUER_BEHAVIOURS } from '../protocol/issuer-rules.js';
import { PAYMENT_STATUSES } from '../protocol/payment-machine.js';
import { REFUND_STATUSES } from '../protocol/refund-machine.js';
import { PARTNER_TO_UCSP_TYPES, allowedResponseCodes } from '../schemas/message-types.js';
import { stringEnum } from '../schemas/string-enum.js';
import { FAULTABLE_NOTICE_TYPES, LOGIN_TAMPERS, SIGN_DECISIONS } from '../servers/control-values.js';
import { WHOLE_REFERENCE } from './template.js';

const Vars = Type.Record(Type.String(), Type.Unknown(), { description: 'parameters; strings may use ${name.field}' });
const Name = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$', description: 'a name to keep the result under' });

export const CAPABILITY_NAMES = ['login', 'frontend-payment', 'auto-debit', 'cancellation', 'refund'] as const;
export const DRIVER_ACTIONS = ['submitPaymentOrder', 'inquirePayment', 'signAutoDebit', 'closeAutoDebit', 'submitAutoDebit', 'cancelPayment', 'refundPayment', 'inquireRefund'] as const;
export const USER_ACTIONS = ['login', 'pay', 'abandon', 'sign', 'returnToFrontUrl', 'openPaymentPage', 'payInBrowser', 'abandonInBrowser'] as const;
export const WORLD_ACTIONS = ['outcome', 'noticeFault', 'advance', 'resendNotice', 'releaseNotice', 'dropNotice', 'forceAnswer', 'findContract', 'answerFault', 'findRequest', 'advanceToExpiry'] as const;

/** The partner's order statuses of PROFILE §9 (payments; then refunds and cancellations). */
export const PARTNER_ORDER_STATUSES = ['CREATED', 'PAID', 'FAILED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'PENDING', 'SUCCEEDED'] as const;
/** The partner's contract statuses of PROFILE §9, and UNKNOWN: what the check reports when the partner answers 404. */
export const PARTNER_CONTRACT_STATUSES = ['ACTIVE', 'CLOSED', 'UNKNOWN'] as const;
/** The sandbox's own order statuses (payments, refunds and cancellations, signing requests). */
export const SANDBOX_ORDER_STATUSES = [...new Set([...PAYMENT_STATUSES, ...REFUND_STATUSES, ...SIGNING_STATUSES])] as readonly (
  | (typeof PAYMENT_STATUSES)[number]
  | (typeof REFUND_STATUSES)[number]
  | (typeof SIGNING_STATUSES)[number]
)[];
/** What the partner may answer a notice with (PROFILE §6.3, §6.6), and what the check reports otherwise. */
export const NOTICE_ANSWER_CODES = [...[...new Set([...allowedResponseCodes('PAYMENT_RESULT_NOTICE'), ...allowedResponseCodes('SIGN_AUTO_DEBIT_NOTICE')])].sort(), 'no answer'];

/** A `${name.field}` reference: where a value may come from an earlier result. */
const Reference = Type.String({ pattern: WHOLE_REFERENCE.source, description: 'a ${name.field} reference' });
type Reference = `${'$'}{${string}}`;
/** One of a closed set of values, or a reference to one (typed so for defineScenario). */
const valueOrRef = <T extends string>(values: readonly T[], ...more: TSchema[]) => Type.Unsafe<T | Reference>(Type.Union([stringEnum(values), ...more, Reference]));
/** One value, or a list of them (any may match). */
const oneOrMany = <T extends TSchema>(s: T) => Type.Union([s, Type.Array(s, { minItems: 1 })]);

/**
 * Step params with a closed set of values, checked at load (the control API checks the same lists
 * when the step runs); `required` ones the control API cannot do without.
 */
const PARAMS: { step: 'user' | 'world'; action: string; param: string; values: readonly string[]; required?: true }[] = [
  { step: 'user', action: 'login', param: 'tamper', values: LOGIN_TAMPERS },
  { step: 'user', action: 'sign', param: 'decision', values: SIGN_DECISIONS, required: true },
  { step: 'world', action: 'outcome', param: 'behaviour', values: ISSUER_BEHAVIOURS, required: true },
  { step: 'world', action: 'noticeFault', param: 'action', values: NOTICE_FAULT_ACTIONS, required: true },
  { step: 'world', action: 'noticeFault', param: 'tamper', values: TAMPERS },
  { step: 'world', action: 'noticeFault', param: 'msgType', values: FAULTABLE_NOTICE_TYPES },
  { step: 'world', action: 'resendNotice', param: 'tamper', values: TAMPERS },
  { step: 'world', action: 'resendNotice', param: 'result', values: NOTICE_RESULTS },
  { step: 'world', action: 'forceAnswer', param: 'code', values: RESPONSE_CODES, required: true },
  { step: 'world', action: 'forceAnswer', param: 'msgType', values: PARTNER_TO_UCSP_TYPES },
  { step: 'world', action: 'answerFault', param: 'fault', values: ANSWER_FAULT_KINDS, required: true },
  { step: 'world', action: 'answerFault', param: 'msgType', values: PARTNER_TO_UCSP_TYPES },
  { step: 'world', action: 'answerFault', param: 'code', values: RESPONSE_CODES },
  { step: 'world', action: 'findRequest', param: 'msgType', values: PARTNER_TO_UCSP_TYPES, required: true },
];

/** `if the step is ACTION then its with.PARAM is one of …` rules, for one kind of step. */
function paramRules(step: 'user' | 'world'): object[] {
  const actions = [...new Set(PARAMS.filter((p) => p.step === step).map((p) => p.action))];
  return actions.map((action) => {
    const params = PARAMS.filter((p) => p.step === step && p.action === action);
    const required = params.filter((p) => p.required).map((p) => p.param);
    return {
      if: { required: [step], properties: { [step]: { const: action } } },
      then: {
        ...(required.length ? { required: ['with'] } : {}),
        properties: { with: { properties: Object.fromEntries(params.map((p) => [p.param, valueOrRef(p.values)])), ...(required.length ? { required } : {}) } },
      },
    };
  });
}

export const DriveStep = Type.Object(
  {
    drive: stringEnum(DRIVER_ACTIONS),
    with: Type.Optional(Vars),
    as: Type.Optional(Name),
    /** The partner may refuse (a 4xx from the driver) without failing the scenario; the check decides. */
    mayRefuse: Type.Optional(Type.Boolean()),
    /**
     * A refusal (a 4xx from the driver) means the partner does not offer this (a currency, say):
     * the scenario ends SKIPPED with the partner's reason, never FAILED.
     */
    skipIfRefused: Type.Optional(Type.Boolean()),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false, description: 'make the partner act (PROFILE §9), or ask a person to, or wait for it' },
);

export const UserStep = Type.Object(
  { user: stringEnum(USER_ACTIONS), with: Type.Optional(Vars), as: Type.Optional(Name), note: Type.Optional(Type.String()) },
  { additionalProperties: false, description: 'act as the user: login hand-off in a browser, pay or abandon at the cashier, agree or refuse a signing', allOf: paramRules('user') },
);

export const WorldStep = Type.Object(
  { world: stringEnum(WORLD_ACTIONS), with: Type.Optional(Vars), as: Type.Optional(Name), note: Type.Optional(Type.String()) },
  { additionalProperties: false, description: 'act as the world: issuer outcomes, notice faults, the clock, forced answers', allOf: paramRules('world') },
);

export const WaitStep = Type.Object(
  {
    wait: Type.Literal('request'),
    /** the partner's requests only: a wait step's msgType is not resolved, so no `${…}` here */
    msgType: stringEnum(PARTNER_TO_UCSP_TYPES),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_600_000 })),
    as: Type.Optional(Name),
  },
  { additionalProperties: false, description: 'wait for the partner to send a message of this type' },
);

const Free = oneOrMany(Type.String());
/** An HTTP status the partner answered a notice with instead of a signed message. */
const HttpAnswer = Type.String({ pattern: '^HTTP [1-5][0-9]{2}$', description: 'HTTP nnn (the partner answered that HTTP status, not a signed message)' });

export const Expectation = Type.Union([
  Type.Object({ orderStatus: Type.Object({ orderId: Type.String(), is: oneOrMany(valueOrRef(PARTNER_ORDER_STATUSES)), refundedAmt: Type.Optional(Type.String()) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ contractStatus: Type.Object({ contractId: Type.String(), is: oneOrMany(valueOrRef(PARTNER_CONTRACT_STATUSES)), userId: Type.Optional(Type.String()) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ session: Type.Object({ from: Type.String(), userId: Type.Optional(Type.String()), none: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ loginStatus: Type.Object({ from: Type.String(), accepted: Type.Boolean() }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object(
    {
      noticeAnswer: Type.Object(
        {
          orderId: Type.String(),
          /** which attempt: the last one (default), the first, or the tampered/extra copy */
          attempt: Type.Optional(stringEnum(['last', 'first', 'extra', 'scheduled'] as const)),
          code: oneOrMany(valueOrRef<string>(NOTICE_ANSWER_CODES, HttpAnswer)),
          /** the notice as a whole: delivered (a valid signed 00 was received) */
          delivered: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      result: Type.Object(
        /** where `from` names a responseCode, `is` must be response codes (checked by the loader) */
        { from: Type.String(), is: Free },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object({ refused: Type.Object({ from: Type.String(), codes: Type.Optional(Type.Array(valueOrRef<string>(RESPONSE_CODES), { minItems: 1 })) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object(
    { sandboxOrder: Type.Object({ orderId: Type.String(), exists: Type.Boolean(), status: Type.Optional(oneOrMany(valueOrRef(SANDBOX_ORDER_STATUSES))) }, { additionalProperties: false }) },
    { additionalProperties: false },
  ),
  Type.Object({ differs: Type.Object({ a: Type.String(), b: Type.String() }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object(
    { requests: stringEnum(['signed', 'schema', 'uniqueMsgIds', 'minorUnits', 'txnTimeZone', 'newOrderIds'] as const) },
    { additionalProperties: false },
  ),
  Type.Object({ inquirySpacing: Type.Object({ orderId: Type.Optional(Type.String()) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object(
    {
      /** the driver result `from` shows no trust in an unusable answer: could not act, or one of `codes` (UCSP's genuine answer, by a retry) */
      distrusted: Type.Object({ from: Type.String(), codes: Type.Array(valueOrRef<string>(RESPONSE_CODES), { minItems: 1 }) }, { additionalProperties: false }),
    },
    { additionalProperties: false },
  ),
  /** the browser walk kept under `from` (payInBrowser, abandonInBrowser) went through the pages and back to the frontUrl (no 5xx there) */
  Type.Object({ browserWalk: Type.Object({ from: Type.String() }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object(
    {
      /** every partner request for `orderId` that carries txnAmt carries exactly this amount (minor units) and currency */
      amountSent: Type.Object({ orderId: Type.String(), txnAmt: Type.String(), currencyCode: Type.Optional(Type.String()) }, { additionalProperties: false }),
    },
    { additionalProperties: false },
  ),
]);

export const CheckStep = Type.Object(
  {
    check: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', description: 'check id, unique within the scenario' }),
    title: Type.String({ minLength: 1 }),
    severity: Type.Optional(stringEnum(['failure', 'warning'] as const, { default: 'failure' })),
    ref: Type.String({ minLength: 1, description: 'the PROFILE section or seed flow it checks' }),
    hint: Type.String({ minLength: 1, description: 'how to fix it' }),
    expect: Expectation,
  },
  { additionalProperties: false },
);

export const Step = Type.Union([DriveStep, UserStep, WorldStep, WaitStep, CheckStep]);

export const ScenarioSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: Type.String({ pattern: '^[a-z0-9-]+/[a-z0-9-]+$', description: 'capability/name' }),
    title: Type.String({ minLength: 1 }),
    summary: Type.Optional(Type.String()),
    capability: stringEnum(CAPABILITY_NAMES),
    /** other capabilities the scenario also needs */
    needs: Type.Optional(Type.Array(stringEnum(CAPABILITY_NAMES))),
    refs: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    steps: Type.Array(Step, { minItems: 1 }),
  },
  { additionalProperties: false, $id: 'ucsp-sandbox:scenario' },
);

export type Scenario = Static<typeof ScenarioSchema>;
export type ScenarioStep = Static<typeof Step>;
export type DriveStepT = Static<typeof DriveStep>;
export type UserStepT = Static<typeof UserStep>;
export type WorldStepT = Static<typeof WorldStep>;
export type WaitStepT = Static<typeof WaitStep>;
export type CheckStepT = Static<typeof CheckStep>;
export type ExpectationT = Static<typeof Expectation>;
export type CapabilityName = (typeof CAPABILITY_NAMES)[number];
