/**
 * The scenario file format (YAML or JSON), as TypeBox: the JSON Schema published in
 * `schemas/scenario.schema.json` and the TypeScript types come from this one definition.
 *
 * A scenario drives the partner (PROFILE §9 actions), acts as the user or the world (control API),
 * waits, and checks. Strings may refer to earlier results as `${name.field}`.
 */
import { Type, type Static } from '@sinclair/typebox';

const Vars = Type.Record(Type.String(), Type.Unknown(), { description: 'parameters; strings may use ${name.field}' });
const Name = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$', description: 'a name to keep the result under' });

export const CAPABILITY_NAMES = ['login', 'frontend-payment', 'auto-debit', 'cancellation', 'refund'] as const;
export const DRIVER_ACTIONS = ['submitPaymentOrder', 'inquirePayment', 'signAutoDebit', 'closeAutoDebit', 'submitAutoDebit', 'cancelPayment', 'refundPayment', 'inquireRefund'] as const;
export const USER_ACTIONS = ['login', 'pay', 'abandon', 'sign', 'returnToFrontUrl', 'openPaymentPage'] as const;
export const WORLD_ACTIONS = ['outcome', 'noticeFault', 'advance', 'resendNotice', 'releaseNotice', 'dropNotice', 'forceAnswer', 'findContract'] as const;

const lit = <T extends readonly string[]>(xs: T) => Type.Union(xs.map((x) => Type.Literal(x)));

export const DriveStep = Type.Object(
  {
    drive: lit(DRIVER_ACTIONS),
    with: Type.Optional(Vars),
    as: Type.Optional(Name),
    /** The partner may refuse (a 4xx from the driver) without failing the scenario; the check decides. */
    mayRefuse: Type.Optional(Type.Boolean()),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false, description: 'make the partner act (PROFILE §9), or ask a person to, or wait for it' },
);

export const UserStep = Type.Object(
  { user: lit(USER_ACTIONS), with: Type.Optional(Vars), as: Type.Optional(Name), note: Type.Optional(Type.String()) },
  { additionalProperties: false, description: 'act as the user: login hand-off in a browser, pay or abandon at the cashier, agree or refuse a signing' },
);

export const WorldStep = Type.Object(
  { world: lit(WORLD_ACTIONS), with: Type.Optional(Vars), as: Type.Optional(Name), note: Type.Optional(Type.String()) },
  { additionalProperties: false, description: 'act as the world: issuer outcomes, notice faults, the clock, forced answers' },
);

export const WaitStep = Type.Object(
  {
    wait: Type.Literal('request'),
    msgType: Type.String(),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_600_000 })),
    as: Type.Optional(Name),
  },
  { additionalProperties: false, description: 'wait for the partner to send a message of this type' },
);

const Status = Type.Union([Type.String(), Type.Array(Type.String())]);

export const Expectation = Type.Union([
  Type.Object({ orderStatus: Type.Object({ orderId: Type.String(), is: Status, refundedAmt: Type.Optional(Type.String()) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ contractStatus: Type.Object({ contractId: Type.String(), is: Status, userId: Type.Optional(Type.String()) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ session: Type.Object({ from: Type.String(), userId: Type.Optional(Type.String()), none: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ loginStatus: Type.Object({ from: Type.String(), accepted: Type.Boolean() }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object(
    {
      noticeAnswer: Type.Object(
        {
          orderId: Type.String(),
          /** which attempt: the last one (default), the first, or the tampered/extra copy */
          attempt: Type.Optional(Type.Union([Type.Literal('last'), Type.Literal('first'), Type.Literal('extra'), Type.Literal('scheduled')])),
          code: Status,
          /** the notice as a whole: delivered (a valid signed 00 was received) */
          delivered: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object({ result: Type.Object({ from: Type.String(), is: Status }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ refused: Type.Object({ from: Type.String(), codes: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ sandboxOrder: Type.Object({ orderId: Type.String(), exists: Type.Boolean(), status: Type.Optional(Status) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ differs: Type.Object({ a: Type.String(), b: Type.String() }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object(
    { requests: Type.Union([Type.Literal('signed'), Type.Literal('schema'), Type.Literal('uniqueMsgIds'), Type.Literal('minorUnits'), Type.Literal('txnTimeZone'), Type.Literal('newOrderIds')]) },
    { additionalProperties: false },
  ),
  Type.Object({ inquirySpacing: Type.Object({ orderId: Type.Optional(Type.String()) }, { additionalProperties: false }) }, { additionalProperties: false }),
]);

export const CheckStep = Type.Object(
  {
    check: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', description: 'check id, unique within the scenario' }),
    title: Type.String({ minLength: 1 }),
    severity: Type.Optional(Type.Union([Type.Literal('failure'), Type.Literal('warning')], { default: 'failure' })),
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
    capability: lit(CAPABILITY_NAMES),
    /** other capabilities the scenario also needs */
    needs: Type.Optional(Type.Array(lit(CAPABILITY_NAMES))),
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
