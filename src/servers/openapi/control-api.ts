/**
 * The control API described once: its OpenAPI 3.1 document, built from this table of calls and the
 * schemas of control-schemas.ts. Served by the sandbox (`GET /control/openapi.json`, `.yaml`) and
 * shipped in the package as openapi/control-api.yaml (written by `npm run gen:schemas`).
 *
 * ── Adding or changing a control route ───────────────────────────────────────────────────────
 * A test (control-api.test.ts) walks the routes registered in controlRouter() and fails when a
 * route is missing here or a call here has no route. So, with the route:
 *  1. add its call to CONTROL_CALLS below, under its path in OpenAPI form (`/control/orders/{orderId}`
 *     for the route `/orders/:orderId`), keyed by method: a summary, a tag, its query parameters
 *     (`query: [q.orderId, …]` or new ones made with `param()`), its body (`body: req(Type.Object(…))`),
 *     its answers (`answers: { 200: json(ref('Notice')) }`; a new object goes in control-schemas.ts
 *     with additionalProperties: false) and the errors it may answer besides those every call has
 *     (`errors: [400, 404, 409]`; 401, 403 and 503 are added to every call, and 400, 413 and 415 to
 *     every call with a body). Path parameters come from the path; describe them in PATH_PARAMS;
 *  2. run `npm run gen:schemas` to rewrite openapi/control-api.yaml, and commit both.
 * A stream is described by its media type, e.g. server-sent events:
 *   answers: { 200: { description: 'journal entries as they are made', content: { 'text/event-stream':
 *     { schema: Type.String({ description: 'each event: `id: <seq>`, `data: <JournalEntry as JSON>`' }) } } } }
 * test/integration/control-openapi.test.ts checks real answers of a sandbox against the document:
 * add a call there when its answer is worth checking.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { stringify } from 'yaml';
import { RESPONSE_CODES } from '../../errors/index.js';
import { ANSWER_FAULT_KINDS } from '../../gateway/corrupt-answer.js';
import { NOTICE_FAULT_ACTIONS } from '../../notices/faults.js';
import { NOTICE_RESULTS, TAMPERS } from '../../notices/tamper.js';
import { ISSUER_BEHAVIOURS } from '../../protocol/issuer-rules.js';
import { MAX_HOLD_TTL_MS } from '../../sandbox/clock-hold.js';
import { PARTNER_TO_UCSP_TYPES } from '../../schemas/message-types.js';
import { stringEnum } from '../../schemas/string-enum.js';
import { MAX_PAGE } from '../control-lists.js';
import { FAULTABLE_NOTICE_TYPES, LOGIN_TAMPERS, SIGN_DECISIONS } from '../control-values.js';
import { JOURNAL_CHANNELS } from '../../journal/journal.js';
import { CONTROL_SCHEMAS, ref } from './control-schemas.js';

/** The control API's version: changes when a call changes incompatibly. */
export const CONTROL_API_VERSION = '1.0.0';
/** Where `ucsp-sandbox start` serves UCSP by default (the served document names its own sandbox). */
export const DEFAULT_SERVER = 'http://127.0.0.1:7300';

type Method = 'get' | 'post' | 'delete';
type Tag = 'about' | 'user' | 'world' | 'notices' | 'clock' | 'read';
type ErrorStatus = 400 | 404 | 409;

interface Parameter {
  name: string;
  in: 'query' | 'path';
  required?: boolean;
  description: string;
  schema: TSchema;
}

interface Answer {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: TSchema }>;
}

interface Call {
  summary: string;
  description?: string;
  tag: Tag;
  query?: Parameter[];
  body?: { required: boolean; content: { 'application/json': { schema: TSchema } } };
  answers: Record<number, Answer>;
  /** Errors this call answers besides 401, 403, 503 (all calls) and 400, 413, 415 (calls with a body). */
  errors?: ErrorStatus[];
  /** A list paged with ?limit and ?cursor (control-lists.ts). */
  paged?: boolean;
}

// ── helpers for the table ──
const json = (schema: TSchema, description = 'OK'): Answer => ({ description, content: { 'application/json': { schema } } });
const none = (description: string): Answer => ({ description });
/** A required JSON body. */
const req = (schema: TSchema) => ({ required: true, content: { 'application/json': { schema } } });
/** A JSON body that may be left out (or be `{}`): every field has a default. */
const opt = (schema: TSchema) => ({ required: false, content: { 'application/json': { schema } } });
const param = (name: string, schema: TSchema, description: string): Parameter => ({ name, in: 'query', description, schema });
const text = (description: string, extra: Record<string, unknown> = {}) => Type.String({ minLength: 1, maxLength: 128, description, ...extra });
const ms = (description: string, max = 366 * 24 * 3600 * 1000, min = 0) => Type.Number({ minimum: min, maximum: max, description: `${description} (milliseconds)` });
const times = Type.Integer({ minimum: 1, maximum: 1000, default: 1, description: 'how many times it applies' });
/** An order named by its tn or its orderId. */
const orderRef = { tn: Type.Optional(text('the tn UCSP gave the order')), orderId: Type.Optional(text('the partner’s orderId')) };
const eitherOf = (a: string, b: string) => ({ anyOf: [{ required: [a] }, { required: [b] }] });

/** Query parameters used by several calls. */
const q = {
  orderId: param('orderId', Type.String(), 'only those of this order'),
  msgType: param('msgType', Type.String(), 'only messages of this type'),
  channel: param('channel', stringEnum(JOURNAL_CHANNELS), 'only entries of this channel'),
  since: param('since', Type.Integer(), 'only entries after this seq (the lastSeq of the previous answer)'),
  journalLimit: param('limit', Type.Integer({ minimum: 1 }), 'at most this many entries: the last ones'),
  waitMs: param('waitMs', Type.Integer({ minimum: 0, maximum: 60_000, default: 0 }), 'a long poll: when nothing matches yet, wait up to this long (real milliseconds) for the next matching entry'),
};

/** Path parameters, by name. */
const PATH_PARAMS: Record<string, string> = {
  id: 'the notice id (N…), as /control/notices lists it',
  orderId: 'the partner’s orderId (of a payment, refund, cancellation or signing)',
};

/** Every call of the control API, by path and method. */
export const CONTROL_CALLS: Record<string, Partial<Record<Method, Call>>> = {
  '/control': {
    get: {
      tag: 'about',
      summary: 'What the control API offers',
      description: 'JSON, or a page for a browser (Accept: text/html).',
      answers: { 200: { description: 'OK', content: { 'application/json': { schema: ref('ControlIndex') }, 'text/html': { schema: Type.String() } } } },
    },
  },
  '/control/openapi.json': {
    get: { tag: 'about', summary: 'This document, as JSON', answers: { 200: json(Type.Object({}, { description: 'an OpenAPI 3.1 document' })) } },
  },
  '/control/openapi.yaml': {
    get: { tag: 'about', summary: 'This document, as YAML', answers: { 200: { description: 'OK', content: { 'application/yaml': { schema: Type.String() } } } } },
  },
  '/control/status': {
    get: { tag: 'read', summary: 'What the sandbox holds and where it is', answers: { 200: json(ref('Status')) } },
  },
  '/control/partners': {
    get: {
      tag: 'about',
      summary: 'The partners this token reaches',
      description:
        "With a partner's token: that partner. With the admin token (controlToken) of a sandbox shared by several partners (`partners` in the configuration): every partner; every other call then names one with the `X-UCSP-Partner` header or `?partner=<insID>`.",
      answers: { 200: json(ref('Partners')) },
    },
  },

  // ── act as the user ──
  '/control/login': {
    post: {
      tag: 'user',
      summary: 'Start the login hand-off for a test user',
      description: "Answers the URL of the partner's indexUrl carrying a signed INDUSTRY_LOGIN_INFO. With `tamper`, a deliberately bad hand-off (docs/scenarios.md).",
      body: opt(
        Type.Object({
          userId: Type.Optional(text('a test user (default: the first)')),
          channelCode: Type.Optional(text('a configured channel (default: the first)')),
          tamper: Type.Optional(stringEnum(LOGIN_TAMPERS, { description: 'how to break the hand-off' })),
        }),
      ),
      answers: {
        200: json(
          Type.Object(
            { url: Type.String({ description: 'the partner’s indexUrl with request_data' }), requestData: Type.String({ description: 'the INDUSTRY_LOGIN_INFO sent' }), userId: Type.String() },
            { additionalProperties: false },
          ),
        ),
      },
      errors: [404],
    },
  },
  '/control/pay': {
    post: {
      tag: 'user',
      summary: 'Pay an order at its paymentUrl with a card',
      description: 'The issuer decides by card and amount (GET /control/issuer/cards), unless an outcome was set. 502 when the issuer reports a system error: the order still awaits payment.',
      body: req(Type.Object({ ...orderRef, card: Type.Optional(text('a test card number (default: the approving card)')) }, eitherOf('tn', 'orderId'))),
      answers: {
        200: json(Type.Object({ order: ref('PaymentOrder'), behaviour: stringEnum(ISSUER_BEHAVIOURS) }, { additionalProperties: false })),
        502: json(Type.Object({ order: ref('PaymentOrder'), behaviour: stringEnum(ISSUER_BEHAVIOURS), error: Type.String() }, { additionalProperties: false }), 'The issuer reported a system error (99)'),
      },
      errors: [404, 409],
    },
  },
  '/control/abandon': {
    post: {
      tag: 'user',
      summary: 'Close the cashier without paying',
      description: 'The order fails; UCSP notifies 01.',
      body: req(Type.Object(orderRef, eitherOf('tn', 'orderId'))),
      answers: { 200: json(Type.Object({ order: ref('PaymentOrder') }, { additionalProperties: false })) },
      errors: [404, 409],
    },
  },
  '/control/sign': {
    post: {
      tag: 'user',
      summary: 'Agree to or refuse an auto-debit signing',
      body: req(
        Type.Object(
          { decision: stringEnum(SIGN_DECISIONS), signId: Type.Optional(text('the signId of signUrl')), orderId: Type.Optional(text('the SIGN_AUTO_DEBIT orderId')) },
          { required: ['decision'], ...eitherOf('signId', 'orderId') },
        ),
      ),
      answers: {
        200: json(Type.Object({ frontUrl: Type.String({ description: 'where the browser goes next' }), orderId: Type.String(), contractId: Type.Optional(Type.String()) }, { additionalProperties: false })),
      },
      errors: [404, 409],
    },
  },

  // ── act as the world ──
  '/control/issuer/cards': {
    get: {
      tag: 'world',
      summary: "The issuer's test cards and magic amounts",
      answers: {
        200: json(
          Type.Object(
            {
              cards: Type.Array(ref('TestCard')),
              amountRules: Type.Object({}, { additionalProperties: stringEnum(ISSUER_BEHAVIOURS), description: 'txnAmt (minor units) → the behaviour it forces, whatever the card' }),
              behaviours: Type.Array(stringEnum(ISSUER_BEHAVIOURS)),
            },
            { additionalProperties: false },
          ),
        ),
      },
    },
  },
  '/control/issuer/outcome': {
    post: {
      tag: 'world',
      summary: "The issuer's outcome for the next transaction, or for one order",
      body: req(Type.Object({ behaviour: stringEnum(ISSUER_BEHAVIOURS), orderId: Type.Optional(text('only for this order')) }, { required: ['behaviour'] })),
      answers: {
        200: json(Type.Object({ behaviour: stringEnum(ISSUER_BEHAVIOURS), scope: Type.Union([Type.Literal('next'), Type.Object({ orderId: Type.String() }, { additionalProperties: false })]) }, { additionalProperties: false })),
      },
    },
  },
  '/control/api/answer': {
    post: {
      tag: 'world',
      summary: 'Answer the next valid partner request (of a type) with a given code, changing nothing',
      description: 'The code must be one PROFILE allows for the type.',
      body: req(Type.Object({ code: stringEnum(RESPONSE_CODES), msgType: Type.Optional(stringEnum(PARTNER_TO_UCSP_TYPES)) }, { required: ['code'] })),
      answers: { 201: json(Type.Object({ code: stringEnum(RESPONSE_CODES), scope: Type.String({ description: 'the msgType, or "next request"' }) }, { additionalProperties: false }), 'Set') },
    },
  },
  '/control/api/faults': {
    post: {
      tag: 'world',
      summary: "Corrupt UCSP's answer to the next valid request (of a type) on its way",
      description: 'UCSP processes the request as any and keeps its genuine answer. 409 when the sandbox answers in the minimal form (no signature to break).',
      body: req(
        Type.Object(
          {
            fault: stringEnum(ANSWER_FAULT_KINDS),
            msgType: Type.Optional(stringEnum(PARTNER_TO_UCSP_TYPES)),
            code: Type.Optional(stringEnum(RESPONSE_CODES, { description: 'the code the broken answer claims (needs msgType)' })),
            times: Type.Optional(times),
          },
          { required: ['fault'], dependentRequired: { code: ['msgType'] } },
        ),
      ),
      answers: { 201: json(ref('AnswerFault'), 'Set') },
      errors: [409],
    },
    get: { tag: 'world', summary: 'The answer faults not used yet', answers: { 200: json(Type.Array(ref('AnswerFault'))) } },
    delete: { tag: 'world', summary: 'Withdraw the answer faults not used yet', answers: { 204: none('Withdrawn') } },
  },

  // ── notices ──
  '/control/notices/faults': {
    post: {
      tag: 'notices',
      summary: 'A fault for the next notice (of an order, of a type)',
      body: req(
        Type.Object(
          {
            action: stringEnum(NOTICE_FAULT_ACTIONS),
            times: Type.Optional(times),
            orderId: Type.Optional(text('only a notice of this order')),
            msgType: Type.Optional(stringEnum(FAULTABLE_NOTICE_TYPES)),
            delayMs: Type.Optional(ms('delay: how long (sandbox clock)')),
            ageMs: Type.Optional(ms('backdate: how old its timeStamp is (wall clock)', undefined, 1000)),
            tamper: Type.Optional(stringEnum(TAMPERS, { description: 'tamper: how (default signature)' })),
          },
          {
            required: ['action'],
            allOf: [
              { if: { properties: { action: { const: 'delay' } } }, then: { required: ['delayMs'] } },
              { if: { properties: { action: { const: 'backdate' } } }, then: { required: ['ageMs'] } },
            ],
          },
        ),
      ),
      answers: { 201: json(ref('NoticeFault'), 'Set') },
    },
    get: { tag: 'notices', summary: 'The notice faults not used yet', answers: { 200: json(Type.Array(ref('NoticeFault'))) } },
  },
  '/control/notices': {
    get: { tag: 'notices', summary: 'Notices, with every attempt', query: [q.orderId], paged: true, answers: { 200: json(Type.Array(ref('Notice'))) }, errors: [400] },
  },
  '/control/notices/{id}': {
    get: { tag: 'notices', summary: 'One notice', answers: { 200: json(ref('Notice')) }, errors: [404] },
  },
  '/control/notices/{id}/send': {
    post: {
      tag: 'notices',
      summary: 'Send a copy of a notice now',
      description:
        'With `{}` the notice byte for byte (a resend). Any other copy is a message of its own (fresh msgID and timeStamp, signed by UCSP unless `tamper` is `signature`): tampered, edited (`trxInfo`) or with the other result. 409 when the notice has no field for the tamper.',
      body: opt(
        Type.Object({
          tamper: Type.Optional(stringEnum(TAMPERS)),
          result: Type.Optional(stringEnum(NOTICE_RESULTS, { description: 'a conflicting notice: the other result' })),
          trxInfo: Type.Optional(Type.Object({}, { additionalProperties: Type.String({ maxLength: 512 }), description: 'fields to change or add in the copy' })),
        }),
      ),
      answers: { 200: json(Type.Object({ attempt: ref('NoticeAttempt'), notice: ref('Notice'), copy: ref('NoticeCopy') }, { additionalProperties: false })) },
      errors: [404, 409],
    },
  },
  '/control/notices/{id}/drop': {
    post: { tag: 'notices', summary: 'Drop a notice: it is never sent', answers: { 200: json(ref('Notice')) }, errors: [404, 409] },
  },
  '/control/notices/{id}/release': {
    post: {
      tag: 'notices',
      summary: 'Release a held notice (now, or ms later)',
      body: opt(Type.Object({ ms: Type.Optional(ms('sent this long later on the sandbox clock')) })),
      answers: { 200: json(ref('Notice')) },
      errors: [404, 409],
    },
  },
  '/control/notices/{id}/delay': {
    post: {
      tag: 'notices',
      summary: "Delay a notice's next attempt",
      body: req(Type.Object({ ms: ms('how long (sandbox clock)') }, { required: ['ms'] })),
      answers: { 200: json(ref('Notice')) },
      errors: [404, 409],
    },
  },

  // ── the clock ──
  '/control/clock': {
    get: { tag: 'clock', summary: 'The sandbox clock', answers: { 200: json(ref('Clock')) } },
  },
  '/control/clock/advance': {
    post: {
      tag: 'clock',
      summary: 'Advance the sandbox clock, firing every timer that falls due, in order',
      body: req(Type.Object({ ms: ms('how far') }, { required: ['ms'] })),
      answers: { 200: json(Type.Object({ now: Type.Number(), nextTimerAt: Type.Union([Type.Number(), Type.Null()]) }, { additionalProperties: false })) },
    },
  },
  '/control/clock/hold': {
    post: {
      tag: 'clock',
      summary: 'Take the clock over (manual) for a while, or renew the hold',
      description: 'As a conformance run does; the hold is a lease that runs out unless renewed by its holder. 409 when another holder has it.',
      body: opt(Type.Object({ ttlMs: Type.Optional(ms('the lease', MAX_HOLD_TTL_MS, 1000)), holder: Type.Optional(text('renew this hold')) })),
      answers: { 200: json(ref('ClockHold')) },
      errors: [404, 409],
    },
  },
  '/control/clock/release': {
    post: {
      tag: 'clock',
      summary: 'Give the clock back at the scale it had',
      body: req(Type.Object({ holder: text('the holder POST /control/clock/hold answered') }, { required: ['holder'] })),
      answers: { 200: json(Type.Object({ timeScale: Type.Number({ minimum: 0 }) }, { additionalProperties: false })) },
      errors: [404],
    },
  },
  '/control/settle': {
    post: {
      tag: 'clock',
      summary: 'Wait until nothing the sandbox set in motion is still running',
      description: 'What is due now fires, notice attempts get their answers — up to timeoutMs (real); then it says what is still running.',
      body: opt(Type.Object({ timeoutMs: Type.Optional(ms('at most this long (real)', 10 * 60_000)) })),
      answers: { 200: json(ref('SettleReport')) },
    },
  },

  // ── read, reset ──
  '/control/journal': {
    get: {
      tag: 'read',
      summary: 'Every message in and out, in order',
      description: 'Raw text (mobiles and card numbers masked), parsed, signature verdict with diagnosis, response code, timing, order. Streamed.',
      query: [q.orderId, q.msgType, q.channel, q.since, q.journalLimit, q.waitMs],
      answers: { 200: json(ref('Journal')) },
      errors: [400],
    },
  },
  '/control/events': {
    get: {
      tag: 'read',
      summary: 'The journal live, as server-sent events',
      description:
        'Each journal entry as it is added (`event: entry`, `id: <seq>`, `data:` the entry as /control/journal shows it), and `reset` (the sandbox was reset), `gap` (asked-for entries fell off the journal: {from, to}), `overflow` (the reader fell too far behind: the stream ends; reconnect with Last-Event-ID), `end` (the sandbox is closing). Starts with the kept entries after `since` or the Last-Event-ID header, then follows. A comment line every 15 s keeps it open.',
      query: [q.orderId, q.msgType, q.channel, param('since', Type.Integer({ minimum: 0 }), 'replay the kept entries after this seq first (the Last-Event-ID header does the same)')],
      answers: {
        200: {
          description: 'an endless stream of server-sent events',
          content: { 'text/event-stream': { schema: Type.String({ description: 'events `entry` (id: seq, data: JournalEntry as JSON), `reset`, `gap`, `overflow`, `end`' }) } },
        },
      },
      errors: [400],
    },
  },
  '/control/orders': {
    get: { tag: 'read', summary: 'Orders of every kind', paged: true, answers: { 200: json(Type.Array(ref('Order'))) }, errors: [400] },
  },
  '/control/orders/{orderId}': {
    get: { tag: 'read', summary: 'One order, with its links', answers: { 200: json(ref('OrderDetail')) }, errors: [404] },
  },
  '/control/contracts': {
    get: { tag: 'read', summary: 'Auto-debit contracts', paged: true, answers: { 200: json(Type.Array(ref('Contract'))) }, errors: [400] },
  },
  '/control/reset': {
    post: { tag: 'read', summary: 'Forget all state', description: 'Orders, refunds, contracts, notices, msgIDs, faults, outcomes, journal.', answers: { 204: none('Forgotten') } },
  },
};

const TAGS: { name: Tag; description: string }[] = [
  { name: 'about', description: 'This API' },
  { name: 'user', description: 'Act as the user' },
  { name: 'world', description: 'Act as the world: the issuer, the network' },
  { name: 'notices', description: 'Notices to the partner and their faults' },
  { name: 'clock', description: 'The sandbox clock' },
  { name: 'read', description: 'Read, reset' },
];

const ERRORS: Record<number, { name: string; description: string }> = {
  400: { name: 'BadRequest', description: 'Bad input: a field missing or out of range, a body that is not a strict JSON object, a bad query parameter' },
  401: { name: 'Unauthorized', description: 'A control token is set and the call does not carry it as `Authorization: Bearer <token>`' },
  403: { name: 'Forbidden', description: 'Host is not a name of this sandbox (DNS rebinding), a browser’s cross-site request that would change state, or a partner’s token naming another partner' },
  404: { name: 'NotFound', description: 'No such order, notice, test user, hold…' },
  409: { name: 'Conflict', description: 'Not allowed in this state (an order already paid, a clock held by another run…)' },
  413: { name: 'PayloadTooLarge', description: 'A body over 16 KiB' },
  415: { name: 'UnsupportedMediaType', description: 'A body that is not `Content-Type: application/json` (UTF-8)' },
  503: { name: 'Unavailable', description: 'The data folder cannot be written (a full disk): nothing was changed; retry' },
};

const errorRef = (status: number) => ({ $ref: `#/components/responses/${ERRORS[status]!.name}` });

/** `/control/notices/{id}` → `getControlNoticesId`-like ids: getNotice… kept short and stable. */
function operationId(method: Method, path: string): string {
  const words = path
    .replace(/^\/control\/?/, '')
    .split(/[/.{}-]+/)
    .filter(Boolean);
  return method + (words.length ? words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') : 'Index');
}

function operation(method: Method, path: string, c: Call): Record<string, unknown> {
  const pathParams: Parameter[] = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1]!, in: 'path', required: true, description: PATH_PARAMS[m[1]!] ?? m[1]!, schema: Type.String() }));
  const paging: Parameter[] = c.paged
    ? [
        param('limit', Type.Integer({ minimum: 1, maximum: MAX_PAGE }), `a page of at most this many (1–${MAX_PAGE}); without it, the whole list (streamed)`),
        param('cursor', Type.String({ minLength: 1, maxLength: 256 }), 'the X-Next-Cursor of the previous page'),
      ]
    : [];
  const parameters = [...pathParams, ...(c.query ?? []), ...paging];
  const responses: Record<string, unknown> = {};
  for (const [status, a] of Object.entries(c.answers)) {
    responses[status] = c.paged && status === '200' ? { ...a, headers: { 'X-Next-Cursor': { $ref: '#/components/headers/XNextCursor' }, Link: { $ref: '#/components/headers/Link' } } } : a;
  }
  const errors = new Set<number>([...(c.errors ?? []), ...(c.body || method !== 'get' ? [400, 413, 415] : []), 401, 403, 503]);
  for (const s of [...errors].sort((a, b) => a - b)) responses[String(s)] = errorRef(s);
  return {
    tags: [c.tag],
    summary: c.summary,
    ...(c.description ? { description: c.description } : {}),
    operationId: operationId(method, path),
    ...(parameters.length ? { parameters } : {}),
    ...(c.body ? { requestBody: c.body } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the control API; `server`: the sandbox's UCSP base URL. */
export function controlApiDocument(server = DEFAULT_SERVER): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(CONTROL_CALLS)) {
    paths[path] = {};
    for (const [method, c] of Object.entries(methods) as [Method, Call][]) paths[path][method] = operation(method, path, c);
  }
  const responses: Record<string, unknown> = {};
  for (const { name, description } of Object.values(ERRORS)) {
    responses[name] = { description, content: { 'application/json': { schema: ref('ErrorAnswer') } } };
  }
  (responses.Unavailable as { headers?: unknown }).headers = { 'Retry-After': { description: 'seconds', schema: Type.Integer() } };
  // JSON.parse(JSON.stringify()): plain data (TypeBox's symbols and undefined fields left out), a copy per call
  return JSON.parse(
    JSON.stringify({
      openapi: '3.1.0',
      info: {
        title: 'ucsp-sandbox control API',
        version: CONTROL_API_VERSION,
        summary: 'Act as the user and the world, read the journal, move the clock, reset: a local UCSP sandbox under test control',
        description:
          'JSON over HTTP on the mock UCSP server, for scripts, the conformance runner and people. Bodies are JSON objects sent as `Content-Type: application/json` (a call without a body needs no type). Errors are `{"error": "…"}`. With a control token (`controlToken`, or one made at start when the sandbox is reached beyond loopback) every call needs `Authorization: Bearer <token>`; without one, calls need no token but are answered only under the sandbox’s own Host names. The README’s "Control API" section has an example of each call.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: server, description: 'the mock UCSP of a running sandbox' }],
      security: [{}, { controlToken: [] }],
      tags: TAGS,
      paths,
      components: {
        schemas: CONTROL_SCHEMAS,
        responses,
        headers: {
          XNextCursor: { description: 'when more items follow this page: pass it as ?cursor= for the next one', schema: Type.String() },
          Link: { description: 'when more items follow: `<…?cursor=…>; rel="next"`', schema: Type.String() },
        },
        securitySchemes: {
          controlToken: { type: 'http', scheme: 'bearer', description: 'the control token (`controlToken`, or printed by `start` when it made one); needed only when the sandbox has one' },
        },
      },
    }),
  ) as Record<string, unknown>;
}

/** The document as shipped in the package (written by `npm run gen:schemas`). */
export const CONTROL_API_FILE = 'openapi/control-api.yaml';

/** The document as YAML, with a header that says where it comes from. */
export function controlApiYaml(server?: string): string {
  const header = [
    "The OpenAPI 3.1 document of ucsp-sandbox's control API.",
    'Generated from src/servers/openapi/control-api.ts by `npm run gen:schemas`: do not edit it here.',
    'To add or change a call, edit CONTROL_CALLS there (its header says how), then run npm run gen:schemas.',
    'A running sandbox serves it at /control/openapi.json and /control/openapi.yaml (naming itself in servers).',
  ];
  return `${header.map((l) => `# ${l}`).join('\n')}\n${stringify(controlApiDocument(server), { lineWidth: 0 })}`;
}
