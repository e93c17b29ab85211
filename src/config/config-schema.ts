/**
 * The configuration file `ucsp-sandbox.config.json` as a TypeBox schema: the single source of truth
 * for the type of the file as written (`SandboxConfigFile`, every key optional) and for the JSON
 * Schema published as `schemas/config.schema.json`. Every object is closed (additionalProperties
 * false) so that a misspelt key is an error, not a silently ignored setting.
 */
import { CloneType, Type, type Static, type TSchema } from '@sinclair/typebox';
import { F } from '../schemas/fields.js';
import { stringEnum } from '../schemas/string-enum.js';
import { SIGNATURE_VARIANTS } from '../crypto/rsa.js';
import { INQUIRY_SCHEDULE_MODES } from '../protocol/inquiry-schedule.js';
import { ANSWER_FORMS } from '../protocol/answer-form.js';
import { CAPABILITIES, DEFAULT_CONFIG } from './defaults.js';

/** A field pattern of PROFILE §5 with the configuration's own description and default. */
const field = <T extends TSchema>(schema: T, description: string, dflt?: unknown): T =>
  Object.assign(CloneType(schema), dflt === undefined ? { description } : { description, default: dflt });

const seconds = (description: string, dflt: readonly number[]) =>
  Type.Array(Type.Number({ minimum: 0 }), { minItems: 1, description, default: [...dflt] });

const closed = { additionalProperties: false } as const;

/** An origin only: scheme, host and optional port; no path, query, fragment or credentials. */
const BASE_URL = { minLength: 1, maxLength: 200, pattern: '^https?://[^/?#@\\s]+/?$' } as const;

const d = DEFAULT_CONFIG;

export const PartnerConfigSchema = Type.Object(
  {
    insID: Type.Optional(field(F.insID, "8 digits: the partner's institution ID, sent in every msgInfo.insID", d.partner.insID)),
    merId: Type.Optional(field(F.merId, '15 [0-9A-Za-z]: the merchant ID UCSP registered for the partner', d.partner.merId)),
    acqIIN: Type.Optional(field(F.acqIIN, '8 digits: the acquirer IIN', d.partner.acqIIN)),
    industryCode: Type.Optional(field(F.industryCode, '1–16 [0-9A-Za-z]: the industry code', d.partner.industryCode)),
    certificate: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "Path to the partner's certificate, PEM or PKCS#12 (.p12/.pfx); the sandbox verifies the partner's messages with it. Relative paths resolve against the config file's folder. Default: <keysDir>/partner.cert.pem",
      }),
    ),
    certificatePassword: Type.Optional(Type.String({ description: 'Password of `certificate` when it is a PKCS#12 file' })),
    indexUrl: Type.Optional(
      field(F.url, "The partner's INDUSTRY_INDEX_URL: where the login hand-off redirects the browser with request_data (PROFILE §6.1)", d.partner.indexUrl),
    ),
    driverUrl: Type.Optional(field(F.url, "Base URL of the partner's test driver API (PROFILE §9); needed only by the conformance suite")),
    signatureVariant: Type.Optional(
      stringEnum(SIGNATURE_VARIANTS, {
        description: 'How signatures are made (PROFILE §4): SHA256withRSA over the signed bytes, or RSA over their SHA-256 hex digest (sha256-raw)',
        default: d.partner.signatureVariant,
      }),
    ),
    capabilities: Type.Optional(
      Type.Array(stringEnum(CAPABILITIES), {
        uniqueItems: true,
        description: 'What the partner implements; the conformance suite runs only these parts',
        default: [...d.partner.capabilities],
      }),
    ),
    merIds: Type.Optional(
      Type.Array(field(F.merId, '15 [0-9A-Za-z]'), {
        uniqueItems: true,
        description: 'More merchant IDs registered for the partner besides merId: trxInfo.merId may be any of them',
      }),
    ),
    token: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 200,
        pattern: '^[\\x21-\\x7E]+$',
        description:
          "This partner's own control token (Authorization: Bearer <token>): with it the control API, the inspector, the CLI and the issuer's transaction list see and change only this partner's orders, clock and faults. Required for each partner when `partners` lists more than one; controlToken is then the admin token for all",
      }),
    ),
  },
  { ...closed, description: 'The Industry Service (partner) under test (PROFILE §1)' },
);

/** One partner of several: the same keys, with the ones that tell partners apart required. */
export const PartnerEntrySchema = Type.Object(
  {
    ...PartnerConfigSchema.properties,
    insID: field(F.insID, "8 digits: the partner's institution ID; requests are routed to the partner by msgInfo.insID"),
    merId: field(F.merId, '15 [0-9A-Za-z]: the merchant ID UCSP registered for the partner'),
    industryCode: field(F.industryCode, '1–16 [0-9A-Za-z]: the industry code; the login hand-off (/ucsp/authorize?industryCode=…) is routed to the partner by it'),
  },
  { ...closed, description: 'One Industry Service (partner) registered in a sandbox shared by several (PROFILE §1)' },
);

export const ChannelConfigSchema = Type.Object(
  {
    channelCode: field(F.channelCode, '1–16 [0-9A-Za-z]: the channel code sent on the wire'),
    name: Type.String({ minLength: 1, description: 'Name shown on the sandbox pages' }),
  },
  closed,
);

export const UserConfigSchema = Type.Object(
  {
    userId: field(F.userId, '1–64 printable ASCII: the channel app user ID'),
    mobile: field(F.mobile, '5–20 chars [0-9+]; masked in logs'),
    name: Type.Optional(Type.String({ description: 'Name shown on the sandbox pages' })),
  },
  closed,
);

export const SandboxConfigFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'The JSON Schema of this file (for editors); ignored by the sandbox' })),
    keysDir: Type.Optional(
      Type.String({
        minLength: 1,
        description: "Folder of the test keys (ucsp-sandbox init writes them). Relative paths resolve against the config file's folder",
        default: d.keysDir,
      }),
    ),
    host: Type.Optional(Type.String({ minLength: 1, description: 'Interface the sandbox listens on', default: d.host })),
    port: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 65535,
        description: 'Base port: UCSP listens on port, the channel app on port+1, the issuer on port+2; 0 picks free ports',
        default: d.port,
      }),
    ),
    timeScale: Type.Optional(
      Type.Number({
        minimum: 0,
        description: 'Speed of sandbox time: 1 real time, N N× faster, 0 manual (time moves only when advanced through the control API)',
        default: d.timeScale,
      }),
    ),
    zone: Type.Optional(
      Type.String({
        pattern: '^(Z|UTC|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])$',
        description: 'Zone of the yyyyMMddHHmmss times on the wire, like +08:00 (PROFILE §2)',
        default: d.zone,
      }),
    ),
    bodyLimitBytes: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Largest request body UCSP reads; larger bodies get HTTP 413 (PROFILE §2)', default: d.bodyLimitBytes }),
    ),
    journalLimit: Type.Optional(
      Type.Integer({ minimum: 1, description: 'How many journal entries the sandbox keeps (oldest dropped first)', default: d.journalLimit }),
    ),
    journalLimitBytes: Type.Optional(
      Type.Integer({ minimum: 65536, description: 'How much raw text (characters) the journal keeps in all (oldest entries dropped first): a ring of bounded size whatever the messages', default: d.journalLimitBytes }),
    ),
    orderLimit: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'Orders kept in memory. Past it the oldest settled ones (final, nothing in progress) leave memory: with dataDir they stay in SQLite and are found as before; without, they are forgotten (UCSP then answers 34 for them). Orders still in progress always stay',
        default: d.orderLimit,
      }),
    ),
    showPii: Type.Optional(
      Type.Boolean({ description: "Show the test users' mobiles and card numbers unmasked in the journal and the control API (masked by default: first 6 and last 4 digits of a card, a mobile's ends)", default: d.showPii }),
    ),
    dataDir: Type.Optional(
      Type.String({
        minLength: 1,
        description: "Keep state in SQLite in this folder, so that a restart loses no order, contract, notice or journal entry (default: in memory). Relative paths resolve against the config file's folder",
      }),
    ),
    store: Type.Optional(
      Type.String({
        minLength: 1,
        pattern: '^postgres(ql)?://',
        description:
          'Keep state in PostgreSQL at this URL (postgres://user:password@host:5432/db, or postgres://user@localhost/db?host=/var/run/postgresql for the local socket): several sandbox instances on one database share every order, contract, notice and msgID. The sandbox creates and migrates its tables itself. Instead of dataDir; also UCSP_SANDBOX_DATABASE_URL or --store',
      }),
    ),
    storePoolSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Connections each instance keeps to PostgreSQL at most (store); default 10' })),
    controlToken: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "Bearer token the control API (and the issuer's transaction list) requires: Authorization: Bearer <token>. Made at start when the sandbox is reached beyond loopback (bound there, or a publicUrl host that is not loopback) and none is set",
      }),
    ),
    publicUrl: Type.Optional(
      Type.Union(
        [
          Type.String({ ...BASE_URL, title: 'a base URL http(s)://host[:port]' }),
          Type.Object(
            {
              ucsp: Type.Optional(Type.String({ ...BASE_URL, description: 'Where browsers and the partner reach the mock UCSP' })),
              channel: Type.Optional(Type.String({ ...BASE_URL, description: 'Where browsers reach the channel app' })),
              issuer: Type.Optional(Type.String({ ...BASE_URL, description: 'Where the issuer is reached' })),
            },
            { ...closed, title: 'an object {"ucsp", "channel", "issuer"} of such base URLs' },
          ),
        ],
        {
          description:
            'The address browsers and the partner reach the sandbox at, when it is not the bound one (bound to 0.0.0.0, behind a port forward or a proxy): every printed or redirected link (the ready line, paymentUrl, signUrl, page links) uses it, and its host names are names the sandbox answers to. One base URL http(s)://host[:port]: UCSP at port, the channel app at port+1, the issuer at port+2 (without a port: the bound ports); or an object giving each server its own base URL (a server left out keeps its bound address). No path',
        },
      ),
    ),
    allowedHosts: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:_-]+$' }), {
        uniqueItems: true,
        description:
          "More host names (no port) the sandbox's pages and control API answer to, besides the bound address, loopback names when bound there, the machine's addresses when bound to 0.0.0.0, and publicUrl's hosts; a request naming another Host is refused (403), as DNS rebinding would",
      }),
    ),
    maxConnections: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Most connections each of the three servers holds open at once; past it new connections are refused (and that is logged once) until some close',
        default: d.maxConnections,
      }),
    ),
    partner: Type.Optional(PartnerConfigSchema),
    partners: Type.Optional(
      Type.Array(PartnerEntrySchema, {
        minItems: 1,
        description:
          'Several partners in one sandbox, instead of `partner`: each with its own insID, merId, industryCode, certificate and token. Each has its own orders, contracts, notices, journal, clock and faults; requests are routed by msgInfo.insID, pages by the order they show, the control API by token (a partner token sees only its partner; controlToken, the admin token, names the partner with the X-UCSP-Partner header or ?partner=<insID>). insID, industryCode and token must be unique',
      }),
    ),
    channels: Type.Optional(
      Type.Array(ChannelConfigSchema, {
        minItems: 1,
        description: 'Channel apps (wallets) the sandbox plays (PROFILE §10); channelCode must be unique',
        default: d.channels.map((c) => ({ ...c })),
      }),
    ),
    users: Type.Optional(
      Type.Array(UserConfigSchema, {
        description: 'Test users of the channel app (PROFILE §10); userId must be unique',
        default: d.users.map((u) => ({ ...u })),
      }),
    ),
    notices: Type.Optional(
      Type.Object(
        {
          retryScheduleSeconds: Type.Optional(
            seconds('When UCSP sends a notice and retries it, in seconds after the event (non-decreasing)', d.notices.retryScheduleSeconds),
          ),
          timeoutMs: Type.Optional(
            Type.Integer({ minimum: 1, description: "How long UCSP waits for the partner's answer to a notice, in ms", default: d.notices.timeoutMs }),
          ),
        },
        { ...closed, description: 'Notices UCSP sends to the partner (PROFILE §6.3, §6.6)' },
      ),
    ),
    inquiryScheduleSeconds: Type.Optional(
      seconds(
        "UCSP's inquiries of the downstream system after an accepted asynchronous transaction, and the spacing a partner's own inquiries must keep (PROFILE §6.8, §7), in seconds; read as inquiryScheduleMode says",
        d.inquiryScheduleSeconds,
      ),
    ),
    inquiryScheduleMode: Type.Optional(
      stringEnum(INQUIRY_SCHEDULE_MODES, {
        description:
          'How inquiryScheduleSeconds is read: waits (PROFILE §6.8: each number is the wait after the inquiry before, so 0,1,2,4,8,16,32 puts inquiries at +0,1,3,7,15,31,63 s) or offsets (the profile option: each number is counted from the start, non-decreasing)',
        default: d.inquiryScheduleMode,
      }),
    ),
    answerForm: Type.Optional(
      stringEnum(ANSWER_FORMS, {
        description:
          "How UCSP answers the partner's requests (a profile option: the UCSP pages' answer tables disagree): signed (msgInfo echoed, trxInfo, msgResponse, certificateSignature, PROFILE §3) or minimal (trxInfo and msgResponse only, unsigned, as one table shows). Notices and the partner's answers to them stay signed",
        default: d.answerForm,
      }),
    ),
    orderExpirySeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'How long a frontend payment order (SUBMIT_PAYMENT_ORDER) waits for its user at the cashier, in seconds of sandbox time from when UCSP took it; then UCSP fails it and sends PAYMENT_RESULT_NOTICE 01. Default 15 minutes, the payTimeout UnionPay\'s acp SDK suggests',
        default: d.orderExpirySeconds,
      }),
    ),
    skew: Type.Optional(
      Type.Object(
        {
          timeStampSeconds: Type.Optional(
            Type.Integer({ minimum: 0, description: "Largest accepted difference between msgInfo.timeStamp and UCSP's clock, in seconds", default: d.skew.timeStampSeconds }),
          ),
          txnTimeSeconds: Type.Optional(
            Type.Integer({ minimum: 0, description: "Largest accepted difference between txnTime and UCSP's clock, in seconds; beyond it UCSP answers 36 (PROFILE §5)", default: d.skew.txnTimeSeconds }),
          ),
        },
        { ...closed, description: 'Clock tolerance' },
      ),
    ),
  },
  {
    ...closed,
    title: 'ucsp-sandbox configuration',
    description: 'ucsp-sandbox.config.json: every key is optional; what is left out takes its default',
  },
);

/** The configuration file as written: every key optional. */
export type SandboxConfigFile = Static<typeof SandboxConfigFileSchema>;
export type PartnerConfigFile = Static<typeof PartnerConfigSchema>;
export type PartnerEntryFile = Static<typeof PartnerEntrySchema>;
export type ChannelConfig = Static<typeof ChannelConfigSchema>;
export type UserConfig = Static<typeof UserConfigSchema>;

/** Keys that stay optional once every default is filled. */
type StillOptional = 'controlToken' | 'certificatePassword' | 'driverUrl' | 'merIds' | 'token' | 'partners' | 'dataDir' | 'store' | 'storePoolSize' | 'publicUrl' | 'allowedHosts';
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ResolveValue<V> = V extends readonly unknown[] ? V : V extends object ? Resolved<V> : V;
type Resolved<T> = Simplify<
  { [K in keyof T as K extends StillOptional ? never : K]-?: ResolveValue<NonNullable<T[K]>> } & {
    [K in keyof T as K extends StillOptional ? K : never]?: NonNullable<T[K]>;
  }
>;

/**
 * The configuration the sandbox runs with: every default filled, `keysDir` and
 * `partner.certificate` absolute. Derived from the file's type, so the two cannot drift.
 */
type ResolvedFile = Resolved<Omit<SandboxConfigFile, '$schema'>>;
export type PartnerConfig = ResolvedFile['partner'];
/**
 * `partners`, when the file lists several, resolved like `partner` (defaults filled, certificate
 * absolute); `partner` is then the first of them.
 */
export type SandboxConfig = Omit<ResolvedFile, 'partners'> & { partners?: PartnerConfig[] };
export type Capability = (typeof CAPABILITIES)[number];

/** Every key optional at every depth; arrays are replaced whole, so their items stay complete. */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
