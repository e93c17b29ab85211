/**
 * A seeded generator of hostile requests for `POST /ucsp/api` (test/e2e/fuzz.test.ts).
 *
 * Everything random comes from one mulberry32 stream, so a seed names one sequence of cases:
 * the same classes, fields, mutations, sizes and byte positions in the same order (wire times
 * come from the wall clock, so the bytes themselves differ from run to run). Every case says what
 * the sandbox must answer — one response code when the profile decides it (asserted exactly),
 * a small set when more than one answer is right — derived from PROFILE §2–§8, not from src/.
 *
 * Classes (weights 3 : 4 : 2 in phase 1, then replays in phase 2):
 * - garbage   unsigned bytes: broken JSON, bad UTF-8, deep nesting, duplicate and prototype keys…
 * - mutated   well-formed envelopes with mutated fields, validly signed with the partner key
 * - tampered  validly signed, then altered (bytes, fields, signature, signCertID, whitespace…)
 * - replay    byte-identical repeats, msgID reuse with other content, orderId reuse
 */
import { placeholderText, signMessage, signPlaceholderText, type SignerCredentials } from '../../src/crypto/index.js';
import { formatUcspTime, parseUcspTime } from '../../src/protocol/time.js';

// ── PRNG ────────────────────────────────────────────────────────────────────

/** mulberry32: a tiny, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEFAULT_SEED = 20261125;

/** FUZZ_SEED: decimal or 0x-hex, 0 … 2^32−1; the default when unset. */
export function parseSeed(raw: string | undefined): number {
  const s = raw?.trim();
  if (!s) return DEFAULT_SEED;
  const n = /^0x[0-9a-f]+$/i.test(s) ? Number.parseInt(s.slice(2), 16) : /^[0-9]+$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`FUZZ_SEED must be an integer 0…4294967295 (got ${JSON.stringify(raw)})`);
  return n;
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export class Rng {
  readonly float: () => number;
  constructor(seed: number) {
    this.float = mulberry32(seed);
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    const total = entries.reduce((s, [w]) => s + w, 0);
    let x = this.float() * total;
    for (const [w, v] of entries) {
      if ((x -= w) < 0) return v;
    }
    return entries[entries.length - 1]![1];
  }
  str(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
  alnum(n: number): string {
    return this.str(ALNUM, n);
  }
  digits(n: number): string {
    return this.str(DIGITS, n);
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }
}

// ── the profile, as the oracle sees it ──────────────────────────────────────

export const BODY_LIMIT = 65_536;
export const PROFILE_CODES = ['00', '01', '05', '10', '11', '34', '36', '99'] as const;
export type Code = (typeof PROFILE_CODES)[number];
export type Outcome = Code | '413';

export const PARTNER = { insID: '12345678', merId: '123456789012345', acqIIN: '00010344' } as const;
export const USERS = ['user-001', 'user-002', 'user-003'] as const;
const KNOWN_CURRENCIES = ['344', '156', '840', '392', '446', '702', '978', '826', '410', '764', '458', '036'];
const UNKNOWN_CURRENCIES = ['000', '001', '999', '123', '555', '345', '157'];
const TXN_SKEW_MS = 900_000;

export const PARTNER_TYPES = [
  'SUBMIT_PAYMENT_ORDER',
  'PAYMENT_RESULT_INQUIRY',
  'SIGN_AUTO_DEBIT',
  'CLOSE_AUTO_DEBIT',
  'SUBMIT_AUTO_DEBIT',
  'PAYMENT_CANCELLATION',
  'PAYMENT_REFUND',
  'REFUND_RESULT_INQUIRY',
] as const;
export type PartnerType = (typeof PARTNER_TYPES)[number];
const NOTICE_TYPES = ['PAYMENT_RESULT_NOTICE', 'SIGN_AUTO_DEBIT_NOTICE', 'INDUSTRY_LOGIN_INFO'];
/** Message types whose accepted answer (00/05) stores a new order. */
export const CREATING_TYPES: readonly string[] = ['SUBMIT_PAYMENT_ORDER', 'SIGN_AUTO_DEBIT', 'SUBMIT_AUTO_DEBIT', 'PAYMENT_CANCELLATION', 'PAYMENT_REFUND'];

/** Mandatory trxInfo fields (PROFILE §6). */
const REQUIRED: Record<PartnerType, readonly string[]> = {
  SUBMIT_PAYMENT_ORDER: ['orderId', 'merId', 'acqIIN', 'txnAmt', 'currencyCode', 'txnTime', 'userId', 'backUrl'],
  PAYMENT_RESULT_INQUIRY: ['orderId', 'merId'],
  SIGN_AUTO_DEBIT: ['orderId', 'merId', 'userId', 'frontUrl', 'backUrl'],
  CLOSE_AUTO_DEBIT: ['contractId', 'merId', 'userId'],
  SUBMIT_AUTO_DEBIT: ['orderId', 'contractId', 'merId', 'acqIIN', 'txnAmt', 'currencyCode', 'txnTime', 'backUrl'],
  PAYMENT_CANCELLATION: ['orderId', 'origQryId', 'merId', 'txnAmt', 'txnTime', 'backUrl'],
  PAYMENT_REFUND: ['orderId', 'origQryId', 'merId', 'txnAmt', 'currencyCode', 'txnTime', 'backUrl'],
  REFUND_RESULT_INQUIRY: ['orderId', 'merId'],
};
const MSGINFO_FIELDS = ['versionNo', 'msgID', 'timeStamp', 'msgType', 'insID'] as const;

const isPartnerType = (t: unknown): t is PartnerType => typeof t === 'string' && (PARTNER_TYPES as readonly string[]).includes(t);
const isUser = (u: unknown) => typeof u === 'string' && (USERS as readonly string[]).includes(u);

/**
 * What UCSP answers a schema-valid, registered, fresh request whose orderId is new and whose
 * origQryId/contractId name nothing (PROFILE §6, §8): the handler's business checks in order.
 */
export function handlerCode(type: PartnerType, trx: Record<string, unknown>, nowMs: number): Code {
  switch (type) {
    case 'SUBMIT_PAYMENT_ORDER': {
      if (trx.acqIIN !== PARTNER.acqIIN) return '36';
      if (!KNOWN_CURRENCIES.includes(String(trx.currencyCode))) return '36';
      if (!(Math.abs(nowMs - parseUcspTime(String(trx.txnTime))) <= TXN_SKEW_MS)) return '36';
      if (!isUser(trx.userId)) return '36';
      return '00';
    }
    case 'SIGN_AUTO_DEBIT':
      return isUser(trx.userId) ? '00' : '36';
    default:
      // unknown orderId / origQryId / contractId
      return '34';
  }
}

/** For unsigned text of unknown shape: not JSON → 10; an object with an object msgInfo → 10 or 11. */
export function expectUnsigned(body: Buffer): Outcome[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return ['10'];
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return ['10'];
  }
  if (text.charCodeAt(0) === 0xfeff) return ['10'];
  const mi = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>).msgInfo : undefined;
  return mi !== null && typeof mi === 'object' ? ['10', '11'] : ['10'];
}

// ── cases ───────────────────────────────────────────────────────────────────

export type FuzzClass = 'garbage' | 'mutated' | 'tampered' | 'replay';

export interface Msg {
  msgInfo: unknown;
  trxInfo: unknown;
  [member: string]: unknown;
}

export interface FuzzCase {
  id: number;
  cls: FuzzClass;
  /** class/kind, e.g. `mutated/field-missing SUBMIT_PAYMENT_ORDER.txnAmt`. */
  label: string;
  body: Buffer;
  /**
   * The answers allowed: one element is asserted exactly. Empty for byte-identical repeats, whose
   * answer is that of the original (`repeatOf`).
   */
  expect: readonly Outcome[];
  /** The orderId the request names (for the no-state-change check). */
  orderId?: string;
  /** The answer must echo this msgID (PROFILE §3). */
  msgID?: string;
  msgType?: string;
  repeatOf?: number;
  /** Same orderId and content as that case: the answer must carry the same tn / signUrl. */
  sameOrderAs?: number;
  /** The signed message object, kept when the body is exactly its signed form (for replays). */
  msg?: Msg;
}

const CODES_ANY: readonly Outcome[] = PROFILE_CODES;

const VALID_URLS = [
  'http://127.0.0.1:9/notify',
  'http://127.0.0.1:9/n?x=1&y=%20z',
  'https://127.0.0.1:9/cb',
  'http://localhost:9/ucsp/notify',
  'http://127.0.0.1:9/' + 'p'.repeat(512 - 'http://127.0.0.1:9/'.length),
];
const DESCRIPTIONS = [
  'Parking 2h',
  '停车费 — 2 小时',
  'Café crème ☕',
  '🅿️🚗💳',
  '<script>alert(1)</script>',
  "'; DROP TABLE orders;--",
  '${7*7} {{7*7}} %s %n',
  'line\nbreak\ttab',
  '\u0000 nul and \u001f unit separator',
  '\u2028\u2029 separators',
  'lone \ud800 surrogate',
  'x'.repeat(128),
  '',
];

const WRONG_TYPES: readonly unknown[] = [0, 1, -1, 1234, 1.5, 1e21, -0, true, false, null, [], ['x'], {}, { value: 'x' }, [[[]]]];

/** Invalid strings per field (each breaks the field's format of PROFILE §3/§5). */
function invalidStrings(field: string, rng: Rng): string[] {
  const time = ['2026112517300', '202611251730000', '20261325173000', '20260230120000', '20261125250000', '20261125176000', 'yyyyMMddHHmmss', '', '2026-11-25T17:30:00', '２０２６１１２５１７３０００'];
  switch (field) {
    case 'orderId':
      return ['', 'SHORT12', 'O'.repeat(41), `ORD-${rng.alnum(8)}`, `ORD ${rng.alnum(8)}`, `ORD_${rng.alnum(8)}`, `ORDÉ${rng.alnum(8)}`, `${rng.alnum(10)}\n`, '../../../../etc/passwd'];
    case 'merId':
      return ['12345678901234', '1234567890123456', '12345678901234_', '', '123456789012345 ', '１２３４５６７８９０１２３４５'];
    case 'acqIIN':
      return ['0001034', '000103440', 'ABCDEFGH', '', '0001034 ', '-0010344'];
    case 'txnAmt':
      return ['0', '-1', '-100', '0123', '00', '12.34', '1,000', '1e3', '+12', ' 12', '12 ', '1234567890123', '', '٣٤', '0x10', 'NaN', 'Infinity', '1234.', '.5'];
    case 'currencyCode':
      return ['HKD', '34', '3440', '', ' 344', '３４４', '34a', '-34'];
    case 'txnTime':
    case 'timeStamp':
      return time;
    case 'userId':
      return ['', 'u'.repeat(65), 'usér-001', 'user\t001', 'user-001\n', '用户', 'user\u007f'];
    case 'backUrl':
    case 'frontUrl':
      return ['', 'ftp://127.0.0.1/x', 'javascript:alert(1)', '127.0.0.1:9/n', 'http://', 'http://127.0.0.1:9/a b', '//127.0.0.1/x', 'http://127.0.0.1:9/' + 'a'.repeat(494), 'file:///etc/passwd', 'HTTP://127.0.0.1:9/n\n'];
    case 'origQryId':
      return ['', rng.digits(20), rng.digits(22), `${rng.alnum(10)}-${rng.alnum(10)}`, `${rng.alnum(20)} `];
    case 'contractId':
      return ['', 'C'.repeat(33), 'CONTRACT-1', 'contrat é', ' C1'];
    case 'orderDesc':
      return ['x'.repeat(129), '字'.repeat(129)];
    case 'versionNo':
      return ['1.0', '1.0.1', '2.0.0', '', ' 1.0.0', '1.0.0 ', 'v1.0.0'];
    case 'msgID':
      return ['', 'P-1234', 'M'.repeat(65), 'msg id', 'mésg1', `${rng.alnum(10)}\u0000`];
    case 'insID':
      return ['1234567', '123456789', 'ABCDEFGH', '', '1234567 ', '١٢٣٤٥٦٧٨'];
    case 'msgType':
      return ['', 'submit_payment_order', 'SUBMIT_PAYMENT_ORDER ', 'SUBMIT-PAYMENT-ORDER', 'UNKNOWN', 'toString', '__proto__', 'constructor', 'hasOwnProperty', rng.str('ABCDEFGHIJKLMNOPQRSTUVWXYZ_', rng.int(1, 40)), ...NOTICE_TYPES];
    default:
      return [''];
  }
}

interface Draft {
  cls: FuzzClass;
  label: string;
  body: Buffer;
  expect: readonly Outcome[];
  orderId?: string;
  msgID?: string;
  msgType?: string;
  repeatOf?: number;
  sameOrderAs?: number;
  msg?: Msg;
}

export interface GeneratorOptions {
  seed: number;
  /** The partner's key and certificate (what the sandbox trusts). */
  partner: SignerCredentials;
  /** Another key (the UCSP key): signatures the sandbox must not accept from the partner. */
  foreign: SignerCredentials;
  /** Wall clock, epoch ms. */
  now?: () => number;
}

export class FuzzGenerator {
  readonly rng: Rng;
  readonly cases: FuzzCase[] = [];
  private readonly partner: SignerCredentials;
  private readonly foreign: SignerCredentials;
  private readonly now: () => number;
  private lastSignature = '';

  constructor(o: GeneratorOptions) {
    this.rng = new Rng(o.seed);
    this.partner = o.partner;
    this.foreign = o.foreign;
    this.now = o.now ?? Date.now;
  }

  /** Phase 1: `n` requests independent of each other (unique msgIDs and orderIds), lazily. */
  *independent(n: number): Generator<FuzzCase> {
    for (let i = 0; i < n; i++) {
      const cls = this.rng.weighted([
        [3, 'garbage'],
        [4, 'mutated'],
        [2, 'tampered'],
      ] as const);
      const id = this.cases.length;
      const draft = cls === 'garbage' ? this.garbage(id) : cls === 'mutated' ? this.mutated(id) : this.tampered(id);
      yield this.finish(id, draft);
    }
  }

  /** Phase 2: replays of phase-1 cases; send only after every phase-1 answer is in. */
  replays(n: number): FuzzCase[] {
    const pool = [...this.cases];
    const remembered = pool.filter((c) => c.msg && c.expect.length === 1 && !['10', '11', '413'].includes(c.expect[0]!));
    const orders = remembered.filter((c) => c.expect[0] === '00' && (c.msgType === 'SUBMIT_PAYMENT_ORDER' || c.msgType === 'SIGN_AUTO_DEBIT'));
    const out: FuzzCase[] = [];
    for (let i = 0; i < n; i++) {
      const id = this.cases.length;
      let kind = this.rng.weighted([
        [45, 'bytes'],
        [25, 'msgid-conflict'],
        [10, 'order-same'],
        [10, 'order-other'],
        [10, 'order-inquiry'],
      ] as const);
      if (kind === 'msgid-conflict' && remembered.length === 0) kind = 'bytes';
      if (kind !== 'bytes' && kind !== 'msgid-conflict' && orders.length === 0) kind = 'bytes';
      let draft: Draft;
      if (kind === 'bytes') {
        const orig = this.rng.pick(pool);
        draft = { cls: 'replay', label: `replay/byte-identical of #${orig.id} (${orig.label})`, body: orig.body, expect: [], repeatOf: orig.id, ...(orig.orderId ? { orderId: orig.orderId } : {}) };
      } else if (kind === 'msgid-conflict') {
        draft = this.msgIdConflict(id, this.rng.pick(remembered));
      } else {
        draft = this.orderReuse(id, kind, this.rng.pick(orders));
      }
      out.push(this.finish(id, draft));
    }
    return out;
  }

  private finish(id: number, d: Draft): FuzzCase {
    const c: FuzzCase = { id, ...d, expect: d.body.length > BODY_LIMIT ? ['413'] : d.expect };
    if (d.body.length > BODY_LIMIT) delete c.msg;
    this.cases.push(c);
    return c;
  }

  // ── building blocks ──

  private ts(offsetSec = 0): string {
    return formatUcspTime(this.now() + offsetSec * 1000);
  }

  private msgIdFor(id: number): string {
    return `P${PARTNER.insID}${this.ts()}${String(id).padStart(6, '0')}`;
  }

  /** Unique per case: a 6-char head from the case id, then random alphanumerics up to `len`. */
  private orderIdFor(id: number, len = this.rng.int(10, 32)): string {
    const head = `F${id.toString(36).toUpperCase().padStart(5, '0')}`;
    return head + this.rng.alnum(Math.max(0, len - head.length));
  }

  private amount(): string {
    return this.rng.weighted([
      [8, () => String(this.rng.int(1, 99_999))],
      [1, () => this.rng.pick(['9901', '9902', '9903', '9904', '9905', '9906'])],
      [1, () => this.rng.pick(['1', '999999999999', '100000000000'])],
    ] as const)();
  }

  private pickType(): PartnerType {
    return this.rng.weighted<PartnerType>([
      [6, 'SUBMIT_PAYMENT_ORDER'],
      [2, 'PAYMENT_RESULT_INQUIRY'],
      [2, 'SIGN_AUTO_DEBIT'],
      [1, 'CLOSE_AUTO_DEBIT'],
      [1, 'SUBMIT_AUTO_DEBIT'],
      [1, 'PAYMENT_CANCELLATION'],
      [1, 'PAYMENT_REFUND'],
      [1, 'REFUND_RESULT_INQUIRY'],
    ]);
  }

  /** A schema-valid trxInfo for `type` whose references (orderId, origQryId, contractId) are new. */
  private baseTrx(type: PartnerType, orderId: string): Record<string, unknown> {
    const r = this.rng;
    const merId = PARTNER.merId;
    const txnAmt = this.amount();
    const currencyCode = r.pick(KNOWN_CURRENCIES);
    const txnTime = this.ts(-r.int(0, 300));
    const backUrl = r.pick(VALID_URLS);
    const frontUrl = r.pick(VALID_URLS);
    const userId = r.pick(USERS);
    const origQryId = r.alnum(21);
    const contractId = `K${r.alnum(r.int(0, 31))}`;
    switch (type) {
      case 'SUBMIT_PAYMENT_ORDER': {
        const t: Record<string, unknown> = { orderId, merId, acqIIN: PARTNER.acqIIN, txnAmt, currencyCode, txnTime, userId, backUrl };
        if (r.chance(0.5)) t.frontUrl = frontUrl;
        if (r.chance(0.5)) t.orderDesc = r.pick(DESCRIPTIONS);
        return t;
      }
      case 'PAYMENT_RESULT_INQUIRY':
      case 'REFUND_RESULT_INQUIRY':
        return { orderId, merId };
      case 'SIGN_AUTO_DEBIT':
        return { orderId, merId, userId, frontUrl, backUrl };
      case 'CLOSE_AUTO_DEBIT':
        return { contractId, merId, userId };
      case 'SUBMIT_AUTO_DEBIT':
        return { orderId, contractId, merId, acqIIN: PARTNER.acqIIN, txnAmt, currencyCode, txnTime, backUrl };
      case 'PAYMENT_CANCELLATION':
        return { orderId, origQryId, merId, txnAmt, txnTime, backUrl };
      case 'PAYMENT_REFUND':
        return { orderId, origQryId, merId, txnAmt, currencyCode, txnTime, backUrl };
    }
  }

  private envelope(type: string, msgID: string, trx: unknown): Msg {
    return {
      msgInfo: { versionNo: '1.0.0', msgID, timeStamp: this.ts(-this.rng.int(0, 120)), msgType: type, insID: PARTNER.insID },
      trxInfo: trx,
    };
  }

  private sign(msg: Msg): string {
    return signMessage(msg, this.partner);
  }

  /** A fresh valid message: type, msg, its trx, and the code the profile gives it. */
  private validMessage(id: number, type = this.pickType()) {
    const orderId = this.orderIdFor(id);
    const msgID = this.msgIdFor(id);
    const trx = this.baseTrx(type, orderId);
    const msg = this.envelope(type, msgID, trx);
    return { type, msg, trx, msgID, code: handlerCode(type, trx, this.now()) };
  }

  // ── garbage: unsigned ──

  private garbage(id: number): Draft {
    const r = this.rng;
    const kind = r.weighted([
      [5, 'random-bytes'],
      [3, 'random-text'],
      [5, 'token-soup'],
      [8, 'truncated'],
      [8, 'bad-utf8'],
      [2, 'bom'],
      [6, 'deep-nesting'],
      [5, 'duplicate-keys'],
      [6, 'proto-keys'],
      [3, 'not-an-object'],
      [5, 'bad-msginfo'],
      [8, 'unsigned-envelope'],
      [6, 'json-syntax'],
      [4, 'huge'],
      [1, 'empty'],
    ] as const);
    const type = this.pickType();
    const orderId = this.orderIdFor(id);
    const trx = this.baseTrx(type, orderId);
    const msg = this.envelope(type, this.msgIdFor(id), trx);
    const fakeSig = r.bytes(256).toString('base64');
    const unsignedText = () => JSON.stringify({ ...msg, certificateSignature: { signCertID: this.partner.certificate.serial, signature: fakeSig } });
    const base = { cls: 'garbage' as const, orderId };
    const text = (label: string, body: string | Buffer, expect: readonly Outcome[]): Draft => ({
      ...base,
      label: `garbage/${label}`,
      body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
      expect,
    });
    switch (kind) {
      case 'random-bytes': {
        const b = r.bytes(r.int(1, 4096));
        return text(kind, b, expectUnsigned(b));
      }
      case 'random-text': {
        const b = Buffer.from(r.str(' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~', r.int(1, 2000)));
        return text(kind, b, expectUnsigned(b));
      }
      case 'token-soup': {
        const tokens = ['{', '}', '[', ']', ':', ',', '"msgInfo"', '"trxInfo"', '"certificateSignature"', '"signature"', '"x"', '1', '-0', '1e9', 'null', 'true', '""', ' ', '\n', '"\\u0000"', '"\\ud800"'];
        let s = '';
        for (let i = r.int(1, 200); i > 0; i--) s += r.pick(tokens);
        const b = Buffer.from(s);
        return text(kind, b, expectUnsigned(b));
      }
      case 'truncated': {
        const full = Buffer.from(unsignedText(), 'utf8');
        const at = r.int(0, full.length - 1);
        return text(`${kind} at ${at}/${full.length}`, full.subarray(0, at), ['10']);
      }
      case 'bad-utf8': {
        const seqs = [[0xff], [0xfe], [0xc0, 0xaf], [0xc0, 0x80], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xbf], [0xe4, 0xb8]];
        const how = r.pick(['insert', 'in-string', 'latin1', 'utf16le', 'utf16le-bom', 'cut-multibyte'] as const);
        const full = Buffer.from(unsignedText(), 'utf8');
        if (how === 'insert' || how === 'in-string') {
          const seq = Buffer.from(r.pick(seqs));
          let at = r.int(0, full.length);
          if (how === 'in-string') {
            const m = full.indexOf('"merId":"') + 9;
            at = m + r.int(0, 14);
          }
          return text(`${kind}/${how} ${seq.toString('hex')}`, Buffer.concat([full.subarray(0, at), seq, full.subarray(at)]), ['10']);
        }
        if (how === 'latin1') {
          const withAccent = JSON.stringify({ ...msg, trxInfo: { ...trx, orderDesc: 'Café crème' }, certificateSignature: { signCertID: '1', signature: fakeSig } });
          return text(`${kind}/${how}`, Buffer.from(withAccent, 'latin1'), ['10']);
        }
        if (how === 'cut-multibyte') {
          const s = Buffer.from(JSON.stringify({ ...msg, trxInfo: { ...trx, orderDesc: '停车费' } }), 'utf8');
          const at = s.indexOf(Buffer.from('停', 'utf8')) + 1;
          return text(`${kind}/${how}`, Buffer.concat([s.subarray(0, at), s.subarray(at + 2)]), ['10']);
        }
        const le = Buffer.from(unsignedText(), 'utf16le');
        return text(`${kind}/${how}`, how === 'utf16le-bom' ? Buffer.concat([Buffer.from([0xff, 0xfe]), le]) : le, ['10']);
      }
      case 'bom':
        return text(kind, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(unsignedText())]), ['10']);
      case 'deep-nesting': {
        const how = r.pick(['arrays', 'objects', 'unclosed', 'in-trxInfo', 'in-trxInfo', 'mixed-no-msgInfo'] as const);
        if (how === 'arrays') {
          const n = r.pick([17, 100, r.int(17, 40_000)]);
          return text(`${kind}/${how} depth ${n}`, '['.repeat(n) + ']'.repeat(n), ['10']);
        }
        if (how === 'objects') {
          const n = r.pick([17, r.int(17, 14_000)]);
          return text(`${kind}/${how} depth ${n}`, '{"a":'.repeat(n) + '1' + '}'.repeat(n), ['10']);
        }
        if (how === 'unclosed') {
          const n = r.int(1, 20_000);
          return text(`${kind}/${how} depth ${n}`, r.pick(['[', '{"a":']).repeat(n), ['10']);
        }
        if (how === 'mixed-no-msgInfo') {
          const d = r.int(1, 16);
          return text(`${kind}/${how} depth ${d}`, JSON.stringify({ trxInfo: this.nested(d - 1) }), ['10']);
        }
        // In an unsigned envelope's trxInfo: depth 2 + d; over 16 → 10, else the missing signature → 11.
        const d = r.int(1, 30);
        const deep = JSON.stringify({ ...msg, trxInfo: { ...trx, extra: this.nested(d) }, certificateSignature: { signCertID: this.partner.certificate.serial, signature: fakeSig } });
        return text(`${kind}/${how} depth ${2 + d}`, deep, [2 + d > 16 ? '10' : '11']);
      }
      case 'duplicate-keys': {
        const s = unsignedText();
        const where = r.pick(['root', 'msgInfo', 'trxInfo', 'escaped', 'certificateSignature'] as const);
        let out: string;
        if (where === 'root') out = `{"msgInfo":{"msgType":"PAYMENT_RESULT_INQUIRY"},${s.slice(1)}`;
        else if (where === 'msgInfo') out = s.replace('"msgInfo":{', `"msgInfo":{"insID":"${PARTNER.insID}",`);
        else if (where === 'trxInfo') out = s.replace('"trxInfo":{', `"trxInfo":{"merId":"${PARTNER.merId}",`);
        else if (where === 'escaped') out = s.replace('"msgInfo":{', '"msg\\u0049nfo":{},"msgInfo":{');
        else out = s.replace('"certificateSignature":{', '"certificateSignature":{"signature":"AAAA",');
        return text(`${kind}/${where}`, out, ['10']);
      }
      case 'proto-keys': {
        const s = unsignedText();
        const key = r.pick(['__proto__', 'constructor', 'prototype', '__pro\\u0074o__', 'constr\\u0075ctor']);
        const val = r.pick(['{"isAdmin":true}', '{"prototype":{"polluted":"yes"}}', '1', 'null', '"x"', '[]']);
        const where = r.pick(['root', 'msgInfo', 'trxInfo', 'nested', 'certificateSignature'] as const);
        const ins = `"${key}":${val},`;
        let out: string;
        if (where === 'root') out = `{${ins}${s.slice(1)}`;
        else if (where === 'msgInfo') out = s.replace('"msgInfo":{', `"msgInfo":{${ins}`);
        else if (where === 'trxInfo') out = s.replace('"trxInfo":{', `"trxInfo":{${ins}`);
        else if (where === 'nested') out = s.replace('"trxInfo":{', `"trxInfo":{"extra":[{"a":{${ins}"b":1}}],`);
        else out = s.replace('"certificateSignature":{', `"certificateSignature":{${ins}`);
        return text(`${kind}/${where} ${key}`, out, ['10']);
      }
      case 'not-an-object': {
        const v = r.pick(['null', 'true', 'false', '0', '-0', '1e309', '-1', '"msgInfo"', '[]', '[{}]', `[${unsignedText()}]`, '"\\ud800"', '123456789012345678901234567890']);
        return text(kind, v, ['10']);
      }
      case 'bad-msginfo': {
        const how = r.pick(['missing', 'null', 'number', 'string', 'true', 'array', 'empty-array', 'empty-object'] as const);
        const rest = { trxInfo: trx, certificateSignature: { signCertID: this.partner.certificate.serial, signature: fakeSig } };
        const mi: Record<typeof how, unknown> = {
          missing: undefined,
          null: null,
          number: 1,
          string: 'msgInfo',
          true: true,
          array: [msg.msgInfo],
          'empty-array': [],
          'empty-object': {},
        };
        const body = JSON.stringify(how === 'missing' ? rest : { msgInfo: mi[how], ...rest });
        // An array or an object passes "msgInfo is an object"; then the signature fails (11).
        return text(`${kind}/${how}`, body, [how === 'array' || how === 'empty-array' || how === 'empty-object' ? '11' : '10']);
      }
      case 'unsigned-envelope': {
        const how = r.pick(['no-certificateSignature', 'placeholder', 'random-base64', 'not-base64', 'unknown-signCertID', 'empty-certificateSignature', 'mutated-fields'] as const);
        const serial = this.partner.certificate.serial;
        const cs: Record<typeof how, unknown> = {
          'no-certificateSignature': undefined,
          placeholder: { signCertID: serial, signature: '00000000' },
          'random-base64': { signCertID: serial, signature: fakeSig },
          'not-base64': { signCertID: serial, signature: 'not base64!!' },
          'unknown-signCertID': { signCertID: r.digits(20), signature: fakeSig },
          'empty-certificateSignature': {},
          'mutated-fields': { signCertID: serial, signature: fakeSig },
        };
        const m: Msg = how === 'mutated-fields' ? { ...msg, msgInfo: { ...(msg.msgInfo as object), msgType: r.pick(NOTICE_TYPES), insID: 7 }, trxInfo: { ...trx, txnAmt: -1 } } : msg;
        const body = JSON.stringify(cs[how] === undefined ? m : { ...m, certificateSignature: cs[how] });
        return text(`${kind}/${how}`, body, ['11']);
      }
      case 'json-syntax': {
        const s = unsignedText();
        const edits: [string, () => string][] = [
          ['single-quotes', () => s.replaceAll('"', "'")],
          ['trailing-comma', () => s.replace(/}$/, ',}')],
          ['comment', () => `/* hi */${s}`],
          ['NaN', () => s.replace('"trxInfo":{', '"trxInfo":{"n":NaN,')],
          ['Infinity', () => s.replace('"trxInfo":{', '"trxInfo":{"n":-Infinity,')],
          ['leading-zero', () => s.replace('"trxInfo":{', '"trxInfo":{"n":0123,')],
          ['unquoted-key', () => s.replace('"msgInfo"', 'msgInfo')],
          ['two-values', () => s + s],
          ['trailing-garbage', () => `${s}x`],
          ['extra-brace', () => `${s}}`],
          ['bad-escape', () => s.replace('"trxInfo":{', '"trxInfo":{"e":"\\x41",')],
          ['short-unicode-escape', () => s.replace('"trxInfo":{', '"trxInfo":{"e":"\\u12",')],
          ['raw-control-char', () => s.replace('"trxInfo":{', '"trxInfo":{"e":"a\u0001b",')],
          ['raw-newline', () => s.replace('"trxInfo":{', '"trxInfo":{"e":"a\nb",')],
          ['unterminated-string', () => s.slice(0, s.lastIndexOf('"'))],
          ['drop-a-quote', () => {
            const quotes = [...s.matchAll(/"/g)].map((m) => m.index);
            const at = r.pick(quotes);
            return s.slice(0, at) + s.slice(at + 1);
          }],
          ['colon-to-equals', () => s.replace(':', '=')],
          ['python-literals', () => s.replace('"trxInfo":{', '"trxInfo":{"t":True,"n":None,')],
        ];
        const [name, make] = r.pick(edits);
        const b = Buffer.from(make(), 'utf8');
        return text(`${kind}/${name}`, b, expectUnsigned(b));
      }
      case 'huge': {
        const size = r.weighted([
          [4, () => r.int(1_000, BODY_LIMIT)],
          [1, () => BODY_LIMIT],
          [1, () => BODY_LIMIT + 1],
          [3, () => r.int(BODY_LIMIT + 1, 90_000)],
          [1, () => r.int(90_000, 400_000)],
        ] as const)();
        const how = r.pick(['xs', 'padded-envelope', 'whitespace', 'digits'] as const);
        if (how === 'padded-envelope') {
          const head = unsignedText();
          const pad = Math.max(0, size - Buffer.byteLength(head) - '"pad":"",'.length);
          const body = head.replace('"trxInfo":{', `"trxInfo":{"pad":"${'x'.repeat(pad)}",`);
          return text(`${kind}/${how} ${Buffer.byteLength(body)} B`, body, ['11']);
        }
        if (how === 'whitespace') return text(`${kind}/${how} ${size} B`, ' '.repeat(Math.max(0, size - 2)) + '{}', ['10']);
        if (how === 'digits') return text(`${kind}/${how} ${size} B`, '9'.repeat(size), ['10']);
        return text(`${kind}/${how} ${size} B`, 'x'.repeat(size), ['10']);
      }
      case 'empty':
        return text(kind, r.pick(['', ' ', '\n', '\r\n\t ']), ['10']);
    }
  }

  /** A JSON value nested `d` containers deep (objects and arrays, hostile-looking keys). */
  private nested(d: number): unknown {
    let v: unknown = 'leaf';
    for (let i = 0; i < d; i++) {
      v = this.rng.chance(0.5) ? { [this.rng.pick(['a', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON', '__defineGetter__'])]: v } : [v];
    }
    return v;
  }

  // ── mutated: validly signed ──

  private mutated(id: number): Draft {
    const r = this.rng;
    const v = this.validMessage(id);
    const { type, msg, trx } = v;
    const mi = msg.msgInfo as Record<string, unknown>;
    let msgID: string | undefined = v.msgID;
    const now = this.now();
    const baseCode = () => handlerCode(type, trx, now);
    const presentTrx = Object.keys(trx);
    const kind = r.weighted([
      [6, 'valid'],
      [5, 'field-missing'],
      [6, 'wrong-type'],
      [8, 'bad-format'],
      [3, 'huge-string'],
      [2, 'huge-unknown-field'],
      [3, 'extra-nested'],
      [2, 'prototype-ish-keys'],
      [9, 'valid-variant'],
      [10, 'envelope'],
      [8, 'text-level'],
      [4, 'chaos'],
    ] as const);
    let label: string = kind;
    let expect: readonly Outcome[];
    let text: string | undefined;
    let keepMsg = false;

    const mutateOnce = (): { label: string; expect: Outcome } => {
      const op = r.pick(['field-missing', 'wrong-type', 'bad-format', 'valid-variant', 'envelope'] as const);
      return this.applyObjectMutation(op, type, msg, now);
    };

    switch (kind) {
      case 'valid':
        expect = [baseCode()];
        keepMsg = true;
        break;
      case 'field-missing':
      case 'wrong-type':
      case 'bad-format':
      case 'valid-variant':
      case 'envelope': {
        const m = this.applyObjectMutation(kind, type, msg, now);
        label = `${kind} ${m.label}`;
        expect = [m.expect];
        keepMsg = true;
        break;
      }
      case 'huge-string': {
        const field = r.pick([...presentTrx, ...MSGINFO_FIELDS, ...(type === 'SUBMIT_PAYMENT_ORDER' ? ['orderDesc'] : [])]);
        const bytes = r.weighted([
          [8, () => r.int(1_000, 30_000)],
          [2, () => r.int(55_000, 75_000)],
        ] as const)();
        const ch = r.pick(['A', '9', 'é', '中', '😀', ' ', '\\']);
        const n = Math.ceil(bytes / (Buffer.byteLength(JSON.stringify(ch)) - 2));
        const where = (MSGINFO_FIELDS as readonly string[]).includes(field) ? mi : trx;
        where[field] = ch.repeat(n);
        label = `${kind} ${field} ${JSON.stringify(ch)}×${n}`;
        // Every field has a length limit far below 1,000 characters: a format error (or 413).
        expect = ['10'];
        if (field === 'msgID') msgID = undefined;
        break;
      }
      case 'huge-unknown-field': {
        const n = r.weighted([
          [8, () => r.int(1_000, 40_000)],
          [2, () => r.int(60_000, 70_000)],
        ] as const)();
        const key = `x${r.alnum(4)}`;
        if (r.chance(0.5)) trx[key] = 'u'.repeat(n);
        else msg[key] = { blob: 'u'.repeat(n) };
        label = `${kind} ${n} chars`;
        expect = [baseCode()]; // receivers ignore unknown fields (PROFILE §3)
        keepMsg = true;
        break;
      }
      case 'extra-nested': {
        const d = r.int(1, 30);
        const where = r.pick(['trxInfo', 'msgInfo', 'root'] as const);
        const parentDepth = where === 'root' ? 1 : 2;
        if (where === 'root') msg.extra = this.nested(d);
        else if (where === 'msgInfo') mi.extra = this.nested(d);
        else trx.extra = this.nested(d);
        label = `${kind} in ${where}, depth ${parentDepth + d}`;
        expect = [parentDepth + d > 16 ? '10' : baseCode()];
        if (parentDepth + d > 16) msgID = undefined; // unreadable: msgInfo is not echoed
        break;
      }
      case 'prototype-ish-keys': {
        const key = r.pick(['toString', 'valueOf', 'hasOwnProperty', 'toJSON', 'isPrototypeOf', '__defineGetter__', '__lookupGetter__', 'propertyIsEnumerable']);
        const val = r.pick<unknown>(['x', 1, null, {}, { a: 'b' }, []]);
        const where = r.pick(['trxInfo', 'msgInfo', 'root'] as const);
        if (where === 'root') msg[key] = val;
        else if (where === 'msgInfo') mi[key] = val;
        else trx[key] = val;
        label = `${kind} ${where}.${key}`;
        expect = [baseCode()];
        break;
      }
      case 'text-level': {
        const t = this.textMutation(type, msg, trx, now);
        label = `${kind} ${t.label}`;
        expect = [t.expect];
        text = t.text;
        if (!t.echo) msgID = undefined;
        break;
      }
      case 'chaos': {
        const parts: string[] = [];
        for (let i = r.int(2, 4); i > 0; i--) parts.push(mutateOnce().label);
        label = `${kind} ${parts.join(' + ')}`;
        expect = CODES_ANY;
        msgID = undefined;
        break;
      }
    }
    // The answer echoes msgInfo only when it is still this object with this msgID.
    if (msg.msgInfo !== mi || mi.msgID !== v.msgID) msgID = undefined;
    const effectiveType = msg.msgInfo === mi && typeof mi.msgType === 'string' ? mi.msgType : type;
    const body = text !== undefined ? signPlaceholderText(text, this.partner) : this.sign(msg);
    const orderId = typeof trx.orderId === 'string' ? trx.orderId : undefined;
    return {
      cls: 'mutated',
      label: `mutated/${label} [${type}]`,
      body: Buffer.from(body, 'utf8'),
      expect,
      ...(orderId ? { orderId } : {}),
      ...(msgID ? { msgID } : {}),
      msgType: effectiveType,
      ...(keepMsg && text === undefined && expect.length === 1 ? { msg } : {}),
    };
  }

  /** One mutation of the message object, and the single code the profile then requires. */
  private applyObjectMutation(
    op: 'field-missing' | 'wrong-type' | 'bad-format' | 'valid-variant' | 'envelope',
    type: PartnerType,
    msg: Msg,
    now: number,
  ): { label: string; expect: Outcome } {
    const r = this.rng;
    const mi = (msg.msgInfo !== null && typeof msg.msgInfo === 'object' ? msg.msgInfo : {}) as Record<string, unknown>;
    const trx = (msg.trxInfo !== null && typeof msg.trxInfo === 'object' ? msg.trxInfo : {}) as Record<string, unknown>;
    const required = REQUIRED[type];
    switch (op) {
      case 'field-missing': {
        const field = r.pick([...required, ...MSGINFO_FIELDS]);
        if ((MSGINFO_FIELDS as readonly string[]).includes(field)) delete mi[field];
        else delete trx[field];
        return { label: field, expect: '10' };
      }
      case 'wrong-type': {
        const present = Object.keys(trx).filter((k) => required.includes(k) || k === 'frontUrl' || k === 'orderDesc');
        const field = r.pick([...present, ...MSGINFO_FIELDS]);
        const value = r.pick(WRONG_TYPES);
        if ((MSGINFO_FIELDS as readonly string[]).includes(field)) mi[field] = value;
        else trx[field] = value;
        return { label: `${field}=${JSON.stringify(value)}`, expect: '10' };
      }
      case 'bad-format': {
        const present = Object.keys(trx).filter((k) => required.includes(k) || k === 'frontUrl' || k === 'orderDesc');
        const field = r.pick([...present, ...MSGINFO_FIELDS]);
        const value = r.pick(invalidStrings(field, r));
        if ((MSGINFO_FIELDS as readonly string[]).includes(field)) mi[field] = value;
        else trx[field] = value;
        return { label: `${field}=${JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…(${value.length})` : value)}`, expect: '10' };
      }
      case 'valid-variant':
        return this.validVariant(type, trx, now);
      case 'envelope':
        return this.envelopeMutation(type, msg, mi, trx, now);
    }
  }

  /** A field changed to another value of valid format, with the business outcome it has. */
  private validVariant(type: PartnerType, trx: Record<string, unknown>, now: number): { label: string; expect: Outcome } {
    const r = this.rng;
    const has = (k: string) => typeof trx[k] === 'string';
    const options: [string, () => void][] = [];
    if (has('acqIIN')) options.push(['acqIIN other', () => (trx.acqIIN = r.pick(['00010345', '00000000', '99999999', r.digits(8).replace(/^00010344$/, '00010345')]))]);
    if (has('currencyCode')) {
      options.push(['currencyCode unknown', () => (trx.currencyCode = r.pick(UNKNOWN_CURRENCIES))]);
      options.push(['currencyCode other known', () => (trx.currencyCode = r.pick(KNOWN_CURRENCIES))]);
    }
    if (has('txnAmt')) options.push(['txnAmt boundary', () => (trx.txnAmt = r.pick(['1', '999999999999', '9906', '100']))]);
    if (has('orderId')) {
      options.push(['orderId 8 chars', () => (trx.orderId = String(trx.orderId).slice(0, 6) + r.alnum(2))]);
      options.push(['orderId 40 chars', () => (trx.orderId = String(trx.orderId).slice(0, 6) + r.alnum(34))]);
    }
    if (has('userId')) {
      options.push(['userId other user', () => (trx.userId = r.pick(USERS))]);
      options.push(['userId unknown', () => (trx.userId = r.pick(['user-999', 'user-001 ', 'USER-001', ' ', '~', 'u'.repeat(64), 'admin', '0']))]);
    }
    if (has('txnTime')) {
      options.push(['txnTime skewed', () => (trx.txnTime = this.ts(r.pick([-1, 1]) * r.int(1_200, 5 * 86_400)))]);
      options.push(['txnTime within window', () => (trx.txnTime = this.ts(r.int(-600, 600)))]);
    }
    if (has('backUrl')) options.push(['backUrl other', () => (trx.backUrl = r.pick(VALID_URLS))]);
    if (has('frontUrl')) options.push(['frontUrl other', () => (trx.frontUrl = r.pick(VALID_URLS))]);
    if (type === 'SUBMIT_PAYMENT_ORDER') options.push(['orderDesc', () => (trx.orderDesc = r.pick(DESCRIPTIONS))]);
    if (has('origQryId')) options.push(['origQryId other', () => (trx.origQryId = r.pick([r.alnum(21), r.digits(21), '0'.repeat(21)]))]);
    if (has('contractId')) options.push(['contractId other', () => (trx.contractId = r.pick([r.alnum(r.int(1, 32)), '0', 'C'.repeat(32)]))]);
    if (options.length === 0) options.push(['nothing to vary', () => undefined]);
    const [label, apply] = r.pick(options);
    apply();
    return { label, expect: handlerCode(type, trx, now) };
  }

  private envelopeMutation(type: PartnerType, msg: Msg, mi: Record<string, unknown>, trx: Record<string, unknown>, now: number): { label: string; expect: Outcome } {
    const r = this.rng;
    const how = r.weighted([
      [3, 'insID other'],
      [3, 'merId other'],
      [3, 'timeStamp stale'],
      [2, 'timeStamp future'],
      [2, 'timeStamp within window'],
      [2, 'msgType unknown'],
      [2, 'msgType notice'],
      [3, 'msgType other partner type'],
      [1, 'msgID 64 chars'],
      [1, 'msgInfo extra field'],
      [2, 'msgInfo not an object'],
      [2, 'trxInfo not an object'],
      [1, 'top-level extra member'],
      [1, 'msgResponse in a request'],
    ] as const);
    switch (how) {
      case 'insID other':
        mi.insID = r.pick(['87654321', '12345679', '00000000', '99999999']);
        return { label: `${how} ${String(mi.insID)}`, expect: '10' };
      case 'merId other':
        trx.merId = r.pick(['123456789012346', 'ABCDEFGHIJKLMNO', '000000000000000', r.alnum(15).replace(PARTNER.merId, 'X'.repeat(15))]);
        return { label: `${how} ${String(trx.merId)}`, expect: '10' };
      case 'timeStamp stale':
        mi.timeStamp = this.ts(-r.int(400, 3 * 86_400));
        return { label: how, expect: '11' };
      case 'timeStamp future':
        mi.timeStamp = this.ts(r.int(400, 3 * 86_400));
        return { label: how, expect: '11' };
      case 'timeStamp within window':
        mi.timeStamp = this.ts(r.int(-200, 200));
        return { label: how, expect: handlerCode(type, trx, now) };
      case 'msgType unknown':
        mi.msgType = r.pick(['NOPE', 'SUBMIT_PAYMENT', 'REFUND', 'DELETE_ALL_ORDERS', r.str('ABCDEFGHIJKLMNOPQRSTUVWXYZ_', r.int(1, 64))]);
        return { label: `${how} ${String(mi.msgType)}`, expect: '10' };
      case 'msgType notice':
        mi.msgType = r.pick(NOTICE_TYPES);
        return { label: `${how} ${String(mi.msgType)}`, expect: '10' };
      case 'msgType other partner type': {
        const target = r.pick(PARTNER_TYPES.filter((t) => t !== type));
        mi.msgType = target;
        const complete = REQUIRED[target].every((f) => typeof trx[f] === 'string');
        return { label: `${how} ${target}`, expect: complete ? handlerCode(target, trx, now) : '10' };
      }
      case 'msgID 64 chars':
        mi.msgID = `${String(mi.msgID)}${'0'.repeat(64)}`.slice(0, 64);
        return { label: how, expect: handlerCode(type, trx, now) };
      case 'msgInfo extra field':
        mi[`x${r.alnum(3)}`] = r.pick<unknown>(['y', 1, { z: [1, 2] }, null]);
        return { label: how, expect: handlerCode(type, trx, now) };
      case 'msgInfo not an object': {
        const v = r.pick<unknown>([null, 1, 'msgInfo', true, [], [{ ...mi }]]);
        msg.msgInfo = v;
        return { label: `${how} ${JSON.stringify(v)?.slice(0, 20)}`, expect: '10' };
      }
      case 'trxInfo not an object': {
        const v = r.pick<unknown>([null, 1, 'trxInfo', [], [{ ...trx }], undefined]);
        msg.trxInfo = v;
        return { label: `${how} ${v === undefined ? 'missing' : JSON.stringify(v).slice(0, 20)}`, expect: '10' };
      }
      case 'top-level extra member':
        msg[`ext${r.alnum(3)}`] = { note: 'ignore me', list: [1, 'two', { three: 3 }] };
        return { label: how, expect: handlerCode(type, trx, now) };
      case 'msgResponse in a request':
        // absent in requests (PROFILE §3): a message format error
        msg.msgResponse = { responseCode: '00', responseMsg: 'Approved' };
        return { label: how, expect: '10' };
    }
  }

  /** Edits of the placeholder text before signing: what JSON.stringify cannot produce. */
  private textMutation(type: PartnerType, msg: Msg, trx: Record<string, unknown>, now: number): { label: string; expect: Outcome; text: string; echo: boolean } {
    const r = this.rng;
    const base = placeholderText(msg, this.partner.certificate.serial);
    const code = () => handlerCode(type, trx, now);
    const inTrx = (ins: string) => base.replace('"trxInfo":{', `"trxInfo":{${ins}`);
    const how = r.weighted([
      [3, 'duplicate key'],
      [4, 'forbidden key'],
      [2, 'escaped unicode in a value'],
      [1, 'escaped slash in a URL'],
      [2, 'pretty-printed'],
      [2, 'whitespace around, signed'],
      [1, 'raw control char'],
      [3, 'number forms'],
      [1, 'comment'],
      [1, 'BOM'],
    ] as const);
    switch (how) {
      case 'duplicate key': {
        const where = r.pick(['trxInfo same value', 'trxInfo other value', 'msgInfo', 'root', 'escaped'] as const);
        const key = typeof trx.orderId === 'string' ? 'orderId' : 'merId';
        const text =
          where === 'trxInfo same value'
            ? inTrx(`"${key}":${JSON.stringify(trx[key])},`)
            : where === 'trxInfo other value'
              ? inTrx(`"${key}":"${r.alnum(15)}",`)
              : where === 'msgInfo'
                ? base.replace('"msgInfo":{', `"msgInfo":{"msgType":"PAYMENT_RESULT_INQUIRY",`)
                : where === 'root'
                  ? `{"trxInfo":{},${base.slice(1)}`
                  : inTrx(`"mer\\u0049d":"${PARTNER.merId}",`);
        return { label: `${how} ${where}`, expect: '10', text, echo: false };
      }
      case 'forbidden key': {
        const key = r.pick(['__proto__', 'constructor', 'prototype', '\\u005f_proto__']);
        const val = r.pick(['{"isAdmin":true}', '{"prototype":{"polluted":"yes"}}', '{"merId":"000000000000000"}', 'null', '1']);
        const where = r.pick(['root', 'msgInfo', 'trxInfo', 'nested'] as const);
        const ins = `"${key}":${val},`;
        const text =
          where === 'root' ? `{${ins}${base.slice(1)}` : where === 'msgInfo' ? base.replace('"msgInfo":{', `"msgInfo":{${ins}`) : where === 'trxInfo' ? inTrx(ins) : inTrx(`"extra":{"a":[{${ins}"b":2}]},`);
        return { label: `${how} ${where} ${key}`, expect: '10', text, echo: false };
      }
      case 'escaped unicode in a value': {
        const key = typeof trx.orderId === 'string' ? 'orderId' : 'merId';
        const value = String(trx[key]);
        const escaped = [...value].map((c) => (r.chance(0.5) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('');
        return { label: `${how} ${key}`, expect: code(), text: base.replace(`"${key}":"${value}"`, `"${key}":"${escaped}"`), echo: true };
      }
      case 'escaped slash in a URL': {
        const key = typeof trx.backUrl === 'string' ? 'backUrl' : undefined;
        if (!key) return { label: `${how} (none: as is)`, expect: code(), text: base, echo: true };
        const value = String(trx[key]);
        return { label: how, expect: code(), text: base.replace(`"${key}":"${value}"`, `"${key}":"${value.replaceAll('/', '\\/')}"`), echo: true };
      }
      case 'pretty-printed': {
        const indent = r.pick<string | number>([1, 2, 4, '\t']);
        return { label: `${how} ${JSON.stringify(indent)}`, expect: code(), text: JSON.stringify(JSON.parse(base), null, indent), echo: true };
      }
      case 'whitespace around, signed':
        return { label: how, expect: code(), text: `${r.pick([' ', '\n', '\r\n', '\t '])}${base}${r.pick(['\n', '\r\n', '  '])}`, echo: true };
      case 'raw control char':
        return { label: how, expect: '10', text: base.replace('"merId":"', `"merId":"${r.pick(['\u0001', '\t', '\n', '\u001f'])}`), echo: false };
      case 'number forms': {
        const [tok, ok] = r.pick<readonly [string, boolean]>([
          ['1e999', true],
          ['-0', true],
          ['123456789012345678901234567890', true],
          ['1E+2', true],
          ['01', false],
          ['1.', false],
          ['.5', false],
          ['NaN', false],
          ['Infinity', false],
          ['-', false],
          ['1e', false],
          ['0x1F', false],
          ['+1', false],
        ]);
        return { label: `${how} ${tok}`, expect: ok ? code() : '10', text: inTrx(`"n":${tok},`), echo: ok };
      }
      case 'comment':
        return { label: how, expect: '10', text: inTrx('/* note */'), echo: false };
      case 'BOM':
        return { label: how, expect: '10', text: `\ufeff${base}`, echo: false };
    }
  }

  // ── tampered: validly signed, then altered ──

  private tampered(id: number): Draft {
    const r = this.rng;
    const v = this.validMessage(id);
    const signed = this.sign(v.msg);
    const sigMatch = /"signature":"([^"]*)"\}\}$/.exec(signed)!;
    const sig = sigMatch[1]!;
    const sigAt = sigMatch.index + '"signature":"'.length;
    const withSig = (s: string) => signed.slice(0, sigAt) + s + signed.slice(sigAt + sig.length);
    const serial = this.partner.certificate.serial;
    const kind = r.weighted([
      [4, 'flip-value-char'],
      [4, 'flip-byte'],
      [3, 'field-changed'],
      [1, 'field-added'],
      [1, 'field-removed'],
      [1, 'msgInfo-removed'],
      [5, 'signature'],
      [3, 'signCertID'],
      [1, 'whitespace-after'],
      [1, 'pretty-after'],
      [1, 'bom-after'],
      [1, 'truncated'],
      [1, 'other-variant'],
      [1, 'other-key'],
      [1, 'escaped-slash-signature'],
    ] as const);
    let label: string = kind;
    let expect: readonly Outcome[] = ['11'];
    let body: string | Buffer = signed;
    const parsed = () => JSON.parse(signed) as Record<string, Record<string, unknown>>;
    switch (kind) {
      case 'flip-value-char': {
        const trx = v.trx;
        const fields = Object.keys(trx).filter((k) => typeof trx[k] === 'string' && /^[0-9A-Za-z]+$/.test(String(trx[k])));
        const key = r.pick([...fields, 'msgID', 'timeStamp', 'insID']);
        const value = key === 'msgID' || key === 'timeStamp' || key === 'insID' ? String((v.msg.msgInfo as Record<string, unknown>)[key]) : String(trx[key]);
        const at = signed.indexOf(`"${key}":"${value}"`) + key.length + 4 + r.int(0, value.length - 1);
        const c = signed[at]!;
        const alphabet = /[0-9]/.test(c) ? DIGITS : ALNUM;
        const next = alphabet[(alphabet.indexOf(c) + r.int(1, alphabet.length - 1)) % alphabet.length]!;
        body = signed.slice(0, at) + next + signed.slice(at + 1);
        label = `${kind} ${key}`;
        break;
      }
      case 'flip-byte': {
        const b = Buffer.from(signed, 'utf8');
        // not the last base64 group of the signature: its unused low bits decode to the same bytes
        let at = r.int(0, b.length - 1);
        if (at >= sigAt + sig.length - 4 && at < sigAt + sig.length) at = sigAt;
        const mask = r.int(1, 255);
        b[at] = b[at]! ^ mask;
        body = b;
        expect = ['10', '11'];
        label = `${kind} @${at} ^0x${mask.toString(16)}`;
        break;
      }
      case 'field-changed': {
        const p = parsed();
        const where = r.chance(0.7) ? 'trxInfo' : 'msgInfo';
        const obj = p[where]!;
        const key = r.pick(Object.keys(obj).filter((k) => typeof obj[k] === 'string'));
        obj[key] = r.pick([`${String(obj[key])}${r.alnum(1)}`, key === 'txnAmt' ? '1' : 'X', String(obj[key]).slice(1) || 'Y']);
        if (JSON.stringify(p) === signed) obj[key] = `${String(obj[key])}Z`;
        body = JSON.stringify(p);
        label = `${kind} ${where}.${key}`;
        break;
      }
      case 'field-added':
        body = signed.replace('"trxInfo":{', `"trxInfo":{"${r.pick(['note', 'txnAmt2', 'refundAll'])}":"${r.alnum(6)}",`);
        break;
      case 'field-removed': {
        const p = parsed();
        const key = r.pick(Object.keys(p.trxInfo!));
        delete p.trxInfo![key];
        body = JSON.stringify(p);
        label = `${kind} ${key}`;
        break;
      }
      case 'msgInfo-removed': {
        const p = parsed();
        delete p.msgInfo;
        body = JSON.stringify(p);
        expect = ['10'];
        break;
      }
      case 'signature': {
        const how = r.pick([
          'one char',
          'decoded bit flip',
          'truncated',
          'base64url',
          'padding removed',
          'escaped newlines',
          'space inside',
          'placeholder',
          'empty',
          'number',
          'null',
          'swapped',
          'copied into trxInfo',
          'unicode escape',
          'certificateSignature first',
          'certificateSignature removed',
          'certificateSignature null',
          'certificateSignature string',
        ] as const);
        label = `${kind}/${how}`;
        switch (how) {
          case 'one char': {
            const at = r.int(0, sig.length - 5);
            const c = sig[at]!;
            const next = BASE64_ALPHABET[(BASE64_ALPHABET.indexOf(c) + r.int(1, 63)) % 64]!;
            body = withSig(sig.slice(0, at) + next + sig.slice(at + 1));
            break;
          }
          case 'decoded bit flip': {
            const raw = Buffer.from(sig, 'base64');
            const at = r.int(0, raw.length - 1);
            raw[at] = raw[at]! ^ (1 << r.int(0, 7));
            body = withSig(raw.toString('base64'));
            break;
          }
          case 'truncated':
            body = withSig(sig.slice(0, r.int(0, sig.length - 1)));
            break;
          case 'base64url':
            body = withSig(/[+/]/.test(sig) ? sig.replaceAll('+', '-').replaceAll('/', '_') : `${sig.slice(0, -2)}-_`);
            break;
          case 'padding removed':
            body = withSig(sig.replace(/=+$/, ''));
            break;
          case 'escaped newlines':
            body = withSig(sig.replace(/(.{64})/g, '$1\\n'));
            break;
          case 'space inside': {
            const at = r.int(1, sig.length - 1);
            body = withSig(`${sig.slice(0, at)} ${sig.slice(at)}`);
            break;
          }
          case 'placeholder':
            body = withSig('00000000');
            break;
          case 'empty':
            body = withSig('');
            break;
          case 'number':
            body = signed.replace(`"signature":"${sig}"`, '"signature":12345');
            break;
          case 'null':
            body = signed.replace(`"signature":"${sig}"`, '"signature":null');
            break;
          case 'swapped':
            body = withSig(this.lastSignature && this.lastSignature !== sig ? this.lastSignature : Buffer.from(sig, 'base64').reverse().toString('base64'));
            break;
          case 'copied into trxInfo':
            body = signed.replace('"trxInfo":{', `"trxInfo":{"sigCopy":"${sig}",`);
            break;
          case 'unicode escape':
            body = withSig(`\\u${sig.charCodeAt(0).toString(16).padStart(4, '0')}${sig.slice(1)}`);
            break;
          case 'certificateSignature first': {
            const p = parsed();
            const { certificateSignature, ...rest } = p;
            body = JSON.stringify({ certificateSignature, ...rest });
            break;
          }
          case 'certificateSignature removed': {
            const p = parsed();
            delete p.certificateSignature;
            body = JSON.stringify(p);
            break;
          }
          case 'certificateSignature null':
            body = signed.replace(/"certificateSignature":\{[^}]*\}/, '"certificateSignature":null');
            break;
          case 'certificateSignature string':
            body = signed.replace(/"certificateSignature":\{[^}]*\}/, `"certificateSignature":"${sig}"`);
            break;
        }
        break;
      }
      case 'signCertID': {
        const other = r.pick([
          r.digits(20),
          `0${serial}`,
          `${serial} `,
          (BigInt(serial) + 1n).toString(),
          this.foreign.certificate.serial,
          '',
          '-1',
          '9'.repeat(64),
          '9'.repeat(65),
        ]);
        body = signed.replace(`"signCertID":"${serial}"`, r.chance(0.1) ? '"signCertID":1' : `"signCertID":"${other}"`);
        label = `${kind} ${JSON.stringify(other).slice(0, 24)}`;
        break;
      }
      case 'whitespace-after':
        body = r.pick([` ${signed}`, `${signed}\n`, `${signed}\r\n`, `\t${signed} `]);
        break;
      case 'pretty-after':
        body = JSON.stringify(JSON.parse(signed), null, 2);
        break;
      case 'bom-after':
        body = `\ufeff${signed}`;
        expect = ['10'];
        break;
      case 'truncated':
        body = signed.slice(0, r.int(0, signed.length - 1));
        expect = ['10'];
        break;
      case 'other-variant':
        body = signMessage(v.msg, this.partner, { variant: 'sha256-raw' });
        break;
      case 'other-key':
        body = r.chance(0.5) ? signMessage(v.msg, { privateKey: this.foreign.privateKey, certificate: this.partner.certificate }) : signMessage(v.msg, this.foreign);
        label = `${kind}`;
        break;
      case 'escaped-slash-signature':
        // Allowed by PROFILE §4: the verifier also finds the literal written with "\/" — not a tamper.
        body = sig.includes('/') ? withSig(sig.replaceAll('/', '\\/')) : signed;
        expect = [v.code];
        label = `${kind} (allowed)`;
        break;
    }
    this.lastSignature = sig;
    const orderId = typeof v.trx.orderId === 'string' ? v.trx.orderId : undefined;
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    return {
      cls: 'tampered',
      label: `tampered/${label} [${v.type}]`,
      body: bytes,
      expect,
      ...(orderId ? { orderId } : {}),
      msgType: v.type,
    };
  }

  // ── replays ──

  /** The msgID of a remembered request, with other (validly signed) content: 11. */
  private msgIdConflict(id: number, orig: FuzzCase): Draft {
    const r = this.rng;
    const o = orig.msg!;
    const origMi = o.msgInfo as Record<string, unknown>;
    const msgID = String(origMi.msgID);
    const how = r.pick(['new content', 'same content, new timeStamp', 'same content, re-serialised'] as const);
    let body: string;
    let orderId: string | undefined;
    if (how === 'new content') {
      const type = this.pickType();
      orderId = this.orderIdFor(id);
      const msg = this.envelope(type, msgID, this.baseTrx(type, orderId));
      body = this.sign(msg);
      if (type === 'CLOSE_AUTO_DEBIT') orderId = undefined;
    } else if (how === 'same content, new timeStamp') {
      const msg: Msg = { ...o, msgInfo: { ...origMi, timeStamp: this.ts(-r.int(1, 100)) } };
      body = this.sign(msg);
      if (body === orig.body.toString('utf8')) body = this.sign({ ...msg, trxInfo: { ...(o.trxInfo as object), note: 'x' } });
    } else {
      body = signPlaceholderText(`${placeholderText(o, this.partner.certificate.serial)}\n`, this.partner);
    }
    return {
      cls: 'replay',
      label: `replay/msgID reuse, ${how}, of #${orig.id}`,
      body: Buffer.from(body, 'utf8'),
      expect: ['11'],
      ...(orderId ? { orderId } : {}),
      msgID,
    };
  }

  /** New msgIDs naming the orderId of an accepted SUBMIT_PAYMENT_ORDER / SIGN_AUTO_DEBIT. */
  private orderReuse(id: number, kind: 'order-same' | 'order-other' | 'order-inquiry', orig: FuzzCase): Draft {
    const r = this.rng;
    const o = orig.msg!;
    const otrx = o.trxInfo as Record<string, unknown>;
    const orderId = String(otrx.orderId);
    const msgID = this.msgIdFor(id);
    const origType = orig.msgType as PartnerType;
    let msg: Msg;
    let expect: Outcome;
    let label: string;
    let sameOrderAs: number | undefined;
    if (kind === 'order-same') {
      msg = { ...o, msgInfo: { ...(o.msgInfo as object), msgID, timeStamp: this.ts() } };
      expect = '00';
      label = 'same orderId, same content, new msgID';
      sameOrderAs = orig.id;
    } else if (kind === 'order-other') {
      const how = r.pick(['amount', 'url', 'other type'] as const);
      if (how === 'other type') {
        const type = r.pick(['SUBMIT_PAYMENT_ORDER', 'SIGN_AUTO_DEBIT', 'SUBMIT_AUTO_DEBIT', 'PAYMENT_CANCELLATION', 'PAYMENT_REFUND'].filter((t) => t !== origType) as PartnerType[]);
        msg = this.envelope(type, msgID, this.baseTrx(type, orderId));
        label = `same orderId as a ${origType}, in a ${type}`;
      } else {
        const trx = { ...otrx };
        if (how === 'amount' && typeof trx.txnAmt === 'string') trx.txnAmt = String(Number(trx.txnAmt) === 1 ? 2 : Number(trx.txnAmt) - 1);
        else trx.backUrl = String(trx.backUrl) === VALID_URLS[0] ? VALID_URLS[1] : VALID_URLS[0];
        msg = { ...o, msgInfo: { ...(o.msgInfo as object), msgID, timeStamp: this.ts() }, trxInfo: trx };
        label = `same orderId, other ${how === 'amount' && typeof otrx.txnAmt === 'string' ? 'amount' : 'backUrl'}`;
      }
      expect = '36';
    } else {
      const type = r.pick(['PAYMENT_RESULT_INQUIRY', 'REFUND_RESULT_INQUIRY'] as const);
      msg = this.envelope(type, msgID, { orderId, merId: PARTNER.merId });
      // A frontend payment awaiting the user is "in progress" (05); a signing request is no payment.
      expect = type === 'PAYMENT_RESULT_INQUIRY' && origType === 'SUBMIT_PAYMENT_ORDER' ? '05' : '34';
      label = `${type} of the ${origType}`;
    }
    return {
      cls: 'replay',
      label: `replay/${label} #${orig.id}`,
      body: Buffer.from(this.sign(msg), 'utf8'),
      expect: [expect],
      orderId,
      msgID,
      ...(sameOrderAs !== undefined ? { sameOrderAs } : {}),
    };
  }
}
