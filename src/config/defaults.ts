/**
 * The defaults of every configuration key, as one object: what the sandbox runs with when
 * `ucsp-sandbox.config.json` leaves a key out (PROFILE §10). The JSON Schema's `default`
 * annotations and the docs are generated from it.
 */
import type { SignatureVariant } from '../crypto/rsa.js';
import type { InquiryScheduleMode } from '../protocol/inquiry-schedule.js';
import type { AnswerForm } from '../protocol/answer-form.js';
import type { SandboxConfig } from './config-schema.js';

/** The name of the configuration file that `loadConfig` looks for in the working folder. */
export const CONFIG_FILE_NAME = 'ucsp-sandbox.config.json';

/** Where a project's config file finds the published JSON Schema (for editors' $schema). */
export const CONFIG_SCHEMA_REF = './node_modules/ucsp-sandbox/schemas/config.schema.json';

/** What a partner can implement; the conformance suite runs only the parts it declares. */
export const CAPABILITIES = ['login', 'frontend-payment', 'auto-debit', 'cancellation', 'refund'] as const;

/** File name, inside `keysDir`, of `partner.certificate` when the configuration does not name one. */
export const DEFAULT_PARTNER_CERTIFICATE_FILE = 'partner.cert.pem';

/** Every default; `partner.certificate` is derived from keysDir, so it is not here. */
export type SandboxConfigDefaults = Omit<SandboxConfig, 'partner'> & { partner: Omit<SandboxConfig['partner'], 'certificate'> };

const signatureVariant: SignatureVariant = 'SHA256withRSA';
const inquiryScheduleMode: InquiryScheduleMode = 'waits';
const answerForm: AnswerForm = 'signed';

/**
 * Every default (deeply frozen). Its type is inferred, not annotated, because the schema's
 * `default` annotations are taken from it; `DefaultsAreComplete` checks it against the schema.
 */
export const DEFAULT_CONFIG = deepFreeze({
  keysDir: '.ucsp-sandbox/keys',
  host: '127.0.0.1',
  port: 7300,
  timeScale: 1,
  zone: '+08:00',
  bodyLimitBytes: 65536,
  journalLimit: 10000,
  journalLimitBytes: 32 * 1024 * 1024,
  orderLimit: 10000,
  showPii: false,
  // per server: far under the file descriptors a process gets (often 1,024 soft, raised by Node to
  // the hard limit), far over what a partner and a conformance run use (tens)
  maxConnections: 1000,
  partner: {
    insID: '12345678',
    merId: '123456789012345',
    acqIIN: '00010344',
    industryCode: 'PARKING01',
    indexUrl: 'http://127.0.0.1:7400/ucsp/login',
    signatureVariant,
    capabilities: [...CAPABILITIES],
  },
  channels: [{ channelCode: 'UPWALLET', name: 'UnionPay App' }],
  users: [
    { userId: 'user-001', mobile: '+85290000001' },
    { userId: 'user-002', mobile: '+85290000002' },
    { userId: 'user-003', mobile: '+85290000003' },
  ],
  notices: { retryScheduleSeconds: [0, 15, 30, 60, 300, 900, 3600, 21600], timeoutMs: 10000 },
  inquiryScheduleSeconds: [0, 1, 2, 4, 8, 16, 32],
  inquiryScheduleMode,
  // UnionPay's own online-payment SDK (acp) sets an order's payTimeout to "Beijing time at payment
  // plus 15 minutes", and PROFILE §5 accepts a txnTime only within ±15 minutes: an order the user
  // has not paid 15 minutes after UCSP took it is as good as dead.
  orderExpirySeconds: 900,
  answerForm,
  skew: { timeStampSeconds: 300, txnTimeSeconds: 900 },
});

/** Fails to compile when DEFAULT_CONFIG misses a key or has a wrong type. */
export type DefaultsAreComplete = Check<typeof DEFAULT_CONFIG>;
type Check<T extends SandboxConfigDefaults> = T;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
