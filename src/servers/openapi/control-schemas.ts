/**
 * The objects of the control API as JSON Schema (TypeBox), for its OpenAPI document
 * (control-api.ts). Wire fields reuse the PROFILE §5 formats of src/schemas (F), closed sets the
 * lists the routes check against; control-schemas.test.ts checks that each object has the fields,
 * optionality and types of the TypeScript interface it describes. Objects the sandbox answers are
 * closed (additionalProperties: false), so that an answer with a field the document does not know
 * fails the document's own test against real answers (test/integration/control-openapi.test.ts).
 */
import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox';
import { RESPONSE_CODES } from '../../errors/index.js';
import { ANSWER_FAULT_KINDS } from '../../gateway/corrupt-answer.js';
import { NOTICE_FAULT_ACTIONS } from '../../notices/faults.js';
import { TAMPERS } from '../../notices/tamper.js';
import { ANSWER_FORMS } from '../../protocol/answer-form.js';
import { SIGNING_STATUSES } from '../../protocol/contract-machine.js';
import { ISSUER_BEHAVIOURS } from '../../protocol/issuer-rules.js';
import { PAYMENT_STATUSES } from '../../protocol/payment-machine.js';
import { REFUND_STATUSES } from '../../protocol/refund-machine.js';
import { Envelope } from '../../schemas/envelope.js';
import { JOURNAL_CHANNELS } from '../../journal/journal.js';
import { F } from '../../schemas/fields.js';
import { PARTNER_TO_UCSP_TYPES } from '../../schemas/message-types.js';
import { SUBMIT_PAYMENT_ORDER_FIELDS } from '../../schemas/messages.js';
import { stringEnum } from '../../schemas/string-enum.js';
import { FAULTABLE_NOTICE_TYPES } from '../control-values.js';

const O = Type.Optional;
/** A closed object: every field the sandbox sends is named here. */
const closed = <P extends TProperties>(props: P, description?: string) => Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });
/** A reference to another schema of the document's components. */
export const ref = <T = unknown>(name: string) => Type.Unsafe<T>({ $ref: `#/components/schemas/${name}` });

const virtualMs = (description: string) => Type.Number({ description: `${description} (virtual epoch ms: the sandbox clock)` });
const wallMs = (description: string) => Type.Number({ description: `${description} (real epoch ms: the wall clock)` });
const count = (description: string) => Type.Integer({ minimum: 0, description });
const responseCode = stringEnum(RESPONSE_CODES, { description: 'a response code of PROFILE §8' });

const NOTICE_STATUSES = ['PENDING', 'HELD', 'DELIVERED', 'GAVE_UP', 'DROPPED'] as const;
const ERROR_KINDS = ['format', 'signature', 'not-found', 'incorrect', 'declined', 'common', 'unavailable', 'usage', 'io', 'config'] as const;

const ErrorAnswer = closed(
  {
    error: Type.String({ description: 'what went wrong, in plain words' }),
    kind: O(stringEnum(ERROR_KINDS, { description: "the error's kind (src/errors), when the sandbox refused the call itself" })),
    responseCode: O(Type.String({ description: 'the response code the same error has on the wire (PROFILE §8)' })),
  },
  'A refused or failed call',
);

const paymentProps = {
  kind: Type.Literal('PAY'),
  source: stringEnum(['frontend', 'auto-debit'] as const, { description: 'SUBMIT_PAYMENT_ORDER (frontend, the user pays at paymentUrl) or SUBMIT_AUTO_DEBIT' }),
  ...SUBMIT_PAYMENT_ORDER_FIELDS,
  contractId: O(F.contractId),
  tn: F.tn,
  status: stringEnum(PAYMENT_STATUSES),
  queryId: O(F.queryId),
  card: O(Type.String({ description: 'the card paid with: first 6 and last 4 digits unless --show-pii' })),
  reservedAmt: count('minor units held by refunds or cancellations still in progress'),
  refundedAmt: count('minor units refunded or cancelled successfully'),
  cancelled: Type.Boolean(),
  createdAt: virtualMs('when UCSP took the order'),
  finalAt: O(virtualMs('when it reached APPROVED or DECLINED')),
};
const PaymentOrder = closed(paymentProps, 'A payment order (SUBMIT_PAYMENT_ORDER or SUBMIT_AUTO_DEBIT)');

const RefundOrder = closed(
  {
    kind: stringEnum(['CANCEL', 'REFUND'] as const),
    orderId: F.orderId,
    origOrderId: Type.String({ description: 'the orderId of the original payment' }),
    origQryId: F.origQryId,
    merId: F.merId,
    txnAmt: F.txnAmt,
    currencyCode: F.currencyCode,
    txnTime: F.txnTime,
    backUrl: F.url,
    status: stringEnum(REFUND_STATUSES),
    answered: O(stringEnum(['00', '05'] as const, { description: "UCSP's first answer to it: a repeat of the same request gets it again" })),
    queryId: O(F.queryId),
    createdAt: virtualMs('when UCSP took the order'),
    finalAt: O(virtualMs('when it reached APPROVED or DECLINED')),
  },
  'A cancellation (PAYMENT_CANCELLATION) or refund (PAYMENT_REFUND)',
);

const signingProps = {
  kind: Type.Literal('SIGN'),
  orderId: F.orderId,
  merId: F.merId,
  userId: F.userId,
  frontUrl: F.url,
  backUrl: F.url,
  signId: Type.String({ description: 'the random id of the signing page (signUrl)' }),
  status: stringEnum(SIGNING_STATUSES),
  contractId: O(F.contractId),
  createdAt: virtualMs('when UCSP took the request'),
};
const SigningRequest = closed(signingProps, 'An auto-debit signing request (SIGN_AUTO_DEBIT)');

const Order = Type.Union([ref<Static<typeof PaymentOrder>>('PaymentOrder'), ref<Static<typeof RefundOrder>>('RefundOrder'), ref<Static<typeof SigningRequest>>('SigningRequest')], { description: 'An order of any kind, told apart by `kind`' });

const expiresAt = O(virtualMs('when UCSP fails the order unpaid (orderExpirySeconds), while it awaits its user'));
const OrderDetail = Type.Union(
  [
    closed({ ...paymentProps, paymentUrl: O(Type.String({ description: "a frontend payment's paymentUrl, with its key" })), expiresAt }, 'A payment order, with its links'),
    ref<Static<typeof RefundOrder>>('RefundOrder'),
    closed({ ...signingProps, signUrl: Type.String({ description: 'the signing page, with its signId' }) }, 'A signing request, with its link'),
  ],
  { description: 'One order, with the link a browser follows (paymentUrl, signUrl) and, while it awaits its user, expiresAt' },
);

const Contract = closed(
  {
    contractId: F.contractId,
    merId: F.merId,
    userId: F.userId,
    signOrderId: Type.String({ description: 'the orderId of the SIGN_AUTO_DEBIT that made it' }),
    status: stringEnum(['ACTIVE', 'CLOSED'] as const),
    createdAt: virtualMs('when it was signed'),
    closedAt: O(virtualMs('when it was closed')),
  },
  'An auto-debit contract',
);

const NoticeAttempt = closed(
  {
    n: Type.Integer({ minimum: 1, description: 'attempt number' }),
    kind: stringEnum(['scheduled', 'extra'] as const, { description: 'scheduled: part of the retry schedule; extra: a resend or copy (never counts as delivery)' }),
    tamper: O(Type.String({ description: 'an altered copy: how (`amount`, `edited: userId`, `result 01`…)' })),
    msgID: O(Type.String({ description: "an altered copy's own msgID" })),
    at: virtualMs('when it was sent'),
    durationMs: Type.Number({ minimum: 0 }),
    httpStatus: O(Type.Integer()),
    responseCode: O(Type.String({ description: "the partner's answer code" })),
    ok: Type.Boolean({ description: 'the partner answered a valid, signed 00' }),
    problem: O(Type.String({ description: 'why the attempt failed, in plain words' })),
  },
  'One attempt to deliver a notice',
);

const Notice = closed(
  {
    id: Type.String({ description: 'the notice id (N…), for /control/notices/{id}' }),
    msgType: stringEnum(FAULTABLE_NOTICE_TYPES),
    orderId: F.orderId,
    backUrl: F.url,
    text: Type.String({ description: 'the signed text sent on every scheduled attempt (retries are byte-identical)' }),
    msgID: F.msgID,
    status: stringEnum(NOTICE_STATUSES),
    createdAt: virtualMs('when UCSP made it'),
    firstAttemptAt: O(virtualMs('its first attempt')),
    nextIndex: count('index into the retry schedule of the next scheduled attempt'),
    nextAt: O(virtualMs('its next scheduled attempt')),
    attempts: Type.Array(ref<Static<typeof NoticeAttempt>>('NoticeAttempt')),
    backdatedMs: O(Type.Number({ description: 'a backdate fault: its timeStamp was stamped this many ms (wall clock) before it was first sent' })),
  },
  'A notice UCSP sends to the partner (PAYMENT_RESULT_NOTICE, SIGN_AUTO_DEBIT_NOTICE) with every attempt to deliver it',
);

const JournalEntry = closed(
  {
    seq: Type.Integer({ minimum: 1, description: 'its place in the journal (pass as ?since=)' }),
    at: virtualMs('when it happened'),
    wallAt: wallMs('when it happened'),
    direction: stringEnum(['in', 'out'] as const, { description: 'into UCSP or out of it' }),
    channel: stringEnum(JOURNAL_CHANNELS),
    msgType: O(Type.String()),
    msgID: O(Type.String()),
    orderId: O(Type.String()),
    raw: Type.String({ description: 'the exact text sent or received (mobiles and card numbers masked unless --show-pii)' }),
    parsed: O(Type.Unknown({ description: 'raw as JSON, when it is JSON' })),
    signature: O(
      closed({
        valid: Type.Boolean(),
        problem: O(Type.String()),
        summary: Type.String(),
        details: O(Type.Array(Type.String())),
      }),
    ),
    responseCode: O(Type.String()),
    httpStatus: O(Type.Integer()),
    durationMs: O(Type.Number()),
    replyTo: O(Type.Integer({ description: 'for an answer: the seq of the message it answers' })),
    peer: O(Type.String()),
    note: O(Type.String()),
    corrupted: O(closed({ fault: Type.String(), genuineCode: Type.String(), code: Type.String() }, 'an answer corrupted on purpose (an answer fault)')),
    attempt: O(
      closed(
        {
          noticeId: Type.String(),
          kind: stringEnum(['scheduled', 'extra'] as const),
          n: Type.Integer({ minimum: 1, description: "the scheduled attempt's number (1 = the first), or the copy's number among the notice's attempts" }),
          of: Type.Integer({ minimum: 0, description: 'scheduled attempts in the retry schedule' }),
          then: O(stringEnum(['delivered', 'retry', 'gave-up'] as const)),
          nextAt: O(Type.Number({ description: 'with then "retry": when the next attempt is due (sandbox clock, epoch ms)' })),
        },
        "a notice attempt's place in its schedule (notice channel)",
      ),
    ),
  },
  'One message in or out, with its signature verdict and code',
);

const Journal = closed({
  entries: Type.Array(ref<Static<typeof JournalEntry>>('JournalEntry')),
  dropped: count('entries that fell off the bounded journal'),
  lastSeq: Type.Integer({ minimum: 0, description: 'the seq of the last entry made (matching or not): the next ?since=' }),
});

const AnswerFault = closed(
  {
    id: Type.Integer({ minimum: 1 }),
    fault: stringEnum(ANSWER_FAULT_KINDS),
    msgType: O(stringEnum(PARTNER_TO_UCSP_TYPES)),
    code: O(responseCode),
    remaining: Type.Integer({ minimum: 1, description: 'answers it still applies to' }),
  },
  "A fault for UCSP's next answers",
);

const NoticeFault = closed(
  {
    id: Type.Integer({ minimum: 1 }),
    action: stringEnum(NOTICE_FAULT_ACTIONS),
    orderId: O(Type.String()),
    msgType: O(stringEnum(FAULTABLE_NOTICE_TYPES)),
    delayMs: O(Type.Number({ minimum: 0 })),
    tamper: O(stringEnum(TAMPERS)),
    ageMs: O(Type.Number({ minimum: 1000 })),
    remaining: Type.Integer({ minimum: 1, description: 'notices it still applies to' }),
  },
  'A fault for the next notices',
);

const Urls = closed({ ucsp: Type.String(), channel: Type.String(), issuer: Type.String() }, "the servers' public base URLs");

const Partner = closed(
  {
    insID: F.insID,
    merId: F.merId,
    industryCode: F.industryCode,
    orders: count('orders (in the data folder too)'),
  },
  'A partner registered in the sandbox',
);

const Partners = closed({ partners: Type.Array(ref('Partner')) }, 'The partners a token reaches');

const Status = closed(
  {
    partner: closed({ insID: F.insID, merId: F.merId, industryCode: F.industryCode }, 'the partner this status is of (the one the token reaches)'),
    urls: ref('Urls'),
    clock: closed({
      now: virtualMs('now'),
      iso: Type.String({ description: 'now, as an ISO 8601 date' }),
      timeScale: Type.Number({ minimum: 0, description: '0 manual, 1 real time, N faster' }),
      pendingTimers: count('timers set on the clock'),
      held: Type.Boolean({ description: 'a conformance run holds the clock' }),
    }),
    inFlight: count('work set in motion and not finished'),
    orders: count('orders (in the data folder too)'),
    ordersInMemory: closed({
      size: count('orders in memory'),
      limit: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'orderLimit (null: none)' }),
      dropped: count('settled orders forgotten (no data folder)'),
      inDataFolderOnly: count('settled orders moved to the data folder'),
    }),
    contracts: count('contracts'),
    notices: count('notices in memory'),
    journal: closed({ size: count('entries kept'), chars: count('characters of raw text kept'), dropped: count('entries dropped'), lastSeq: count('seq of the last entry') }),
    replayCache: closed({ size: count('msgIDs remembered'), evicted: count('msgIDs forgotten (oldest first)') }),
    ucspSignCertID: F.signCertID,
    answerForm: stringEnum(ANSWER_FORMS),
    partnerSignCertIDs: Type.Array(Type.String()),
    answerSigner: closed({
      kind: stringEnum(['workers', 'main-thread'] as const),
      threads: Type.Integer({ minimum: 0, description: 'threads that sign answers (0: the main thread)' }),
    }),
    shared: O(
      closed(
        {
          instance: Type.String({ description: 'this instance' }),
          database: Type.String({ description: 'where the shared state is (the URL without its password)' }),
          noticeJobs: closed({
            repeats: O(count('notice attempts made again after a lease ran out, by any instance')),
            leased: O(count('notice jobs leased now')),
            repeatedHere: count('of those repeats, made by this instance'),
          }),
          stepJobs: closed({
            madeHere: count("issuer inquiries, issuer notifications and order expiries this instance made (each in one transaction with what it changed: never twice)"),
            skippedHere: count('such steps whose time came on this instance after another had made them, or when they were no longer due'),
          }),
        },
        'shared state (PostgreSQL): absent with memory or SQLite',
      ),
    ),
    memory: Type.Record(Type.String(), Type.Number(), { description: 'the process in MB: rssMb, heapUsedMb, heapTotalMb, externalMb and each V8 heap space (`<space>Mb`)' }),
  },
  'What the sandbox holds and where it is',
);

const Clock = closed({
  now: virtualMs('now'),
  timeScale: Type.Number({ minimum: 0 }),
  nextTimerAt: Type.Union([virtualMs('the next timer'), Type.Null()]),
  hold: Type.Union([closed({ since: wallMs('held since'), expiresAt: wallMs('the lease runs out'), previousScale: Type.Number({ minimum: 0 }) }), Type.Null()]),
});

const ClockHold = closed(
  {
    holder: Type.String({ description: 'pass it back to renew (POST /control/clock/hold) and to release' }),
    previousScale: Type.Number({ minimum: 0, description: 'the scale given back when the hold ends' }),
    expiresAt: wallMs('the lease runs out unless renewed'),
    since: wallMs('held since'),
  },
  "A hold of the sandbox's clock (a lease)",
);

const InFlightItem = closed({
  id: Type.Integer(),
  kind: Type.String(),
  what: Type.String({ description: 'in plain words' }),
  orderId: O(Type.String()),
  since: wallMs('started'),
  ageMs: Type.Number({ minimum: 0 }),
});

const SettleReport = Type.Union([
  closed({ settled: Type.Literal(true), waitedMs: Type.Number({ minimum: 0 }), lastSeq: count('journal'), now: virtualMs('now'), nextTimerAt: Type.Union([Type.Number(), Type.Null()]) }, 'nothing is running any more'),
  closed(
    { settled: Type.Literal(false), waitedMs: Type.Number({ minimum: 0 }), timeoutMs: Type.Number({ minimum: 0 }), inFlight: Type.Array(ref<Static<typeof InFlightItem>>('InFlightItem')), lastSeq: count('journal') },
    'still running after timeoutMs: what',
  ),
]);

const TestCard = closed({ pan: Type.String(), behaviour: stringEnum(ISSUER_BEHAVIOURS), label: Type.String() });

/** The copy a `/send` sent: the message's parts. */
const NoticeCopy = closed({
  msgInfo: Envelope.properties.msgInfo,
  trxInfo: Type.Object({}, { additionalProperties: Type.String() }),
  msgResponse: O(Type.Object({ responseCode: Type.String(), responseMsg: Type.String() })),
});

const ControlIndex = closed(
  {
    service: Type.String(),
    openapi: Type.String({ description: 'this document, as JSON' }),
    openapiYaml: Type.String({ description: 'this document, as YAML' }),
    readme: Type.String({ description: 'where the calls are explained, with an example each' }),
    calls: Type.Array(closed({ method: Type.String(), path: Type.String(), summary: Type.String() })),
  },
  'What the control API offers',
);

/** Every schema of the document's components, by name. */
export const CONTROL_SCHEMAS = {
  ErrorAnswer,
  Status,
  Partner,
  Partners,
  Urls,
  Order,
  OrderDetail,
  PaymentOrder,
  RefundOrder,
  SigningRequest,
  Contract,
  Notice,
  NoticeAttempt,
  NoticeCopy,
  NoticeFault,
  AnswerFault,
  JournalEntry,
  Journal,
  Clock,
  ClockHold,
  SettleReport,
  InFlightItem,
  TestCard,
  ControlIndex,
} satisfies Record<string, TSchema>;

export type ControlSchemaName = keyof typeof CONTROL_SCHEMAS;
