/**
 * What the partner under test must be configured with for a run — the sandbox's URLs, UCSP's
 * certificate, its own identifiers, keys and URLs — in words (printed before the suite starts),
 * in the JSON report, and as environment variables for a partner started with `run --exec`.
 */
import { join } from 'node:path';
import type { SandboxConfig } from '../config/index.js';
import { DEFAULT_P12_PASSWORD, KEY_FILES } from '../crypto/keygen.js';
import { pathExists } from '../errors/index.js';

export interface PartnerSetup {
  ucsp: { baseUrl: string; apiUrl: string; certificate: string; signCertID?: string };
  channel: string;
  issuer: string;
  control: string;
  partner: {
    insID: string;
    merId: string;
    acqIIN: string;
    industryCode: string;
    signatureVariant: string;
    /** The certificate UCSP verifies the partner's signatures with. */
    certificate: string;
    /** The private key and key store, when the sandbox made them (keys init / first start). */
    key?: string;
    p12?: string;
    p12Password?: string;
    /** The INDUSTRY_INDEX_URL the login hand-off redirects to: the partner serves it. */
    indexUrl: string;
    /** The test driver the suite calls (PROFILE §9). */
    driverUrl?: string;
  };
  zone: string;
  /** The form of UCSP's answers (config answerForm): signed, or minimal (trxInfo and msgResponse, unsigned). */
  answerForm: string;
}

export async function partnerSetup(config: SandboxConfig, status: { urls: { ucsp: string; channel: string; issuer: string }; ucspSignCertID?: string }): Promise<PartnerSetup> {
  const k = (f: string) => join(config.keysDir, f);
  // the partner's key is known only when the sandbox made it (the registered certificate is its pair)
  const madeBySandbox = config.partner.certificate === k(KEY_FILES.partnerCert);
  const key = madeBySandbox && (await pathExists(k(KEY_FILES.partnerKey))) ? k(KEY_FILES.partnerKey) : undefined;
  const p12 = madeBySandbox && (await pathExists(k(KEY_FILES.partnerP12))) ? k(KEY_FILES.partnerP12) : undefined;
  const p = config.partner;
  return {
    ucsp: { baseUrl: status.urls.ucsp, apiUrl: `${status.urls.ucsp}/ucsp/api`, certificate: k(KEY_FILES.ucspCert), ...(status.ucspSignCertID ? { signCertID: status.ucspSignCertID } : {}) },
    channel: status.urls.channel,
    issuer: status.urls.issuer,
    control: `${status.urls.ucsp}/control`,
    partner: {
      insID: p.insID,
      merId: p.merId,
      acqIIN: p.acqIIN,
      industryCode: p.industryCode,
      signatureVariant: p.signatureVariant,
      certificate: p.certificate,
      ...(key ? { key } : {}),
      ...(p12 ? { p12, p12Password: DEFAULT_P12_PASSWORD } : {}),
      indexUrl: p.indexUrl,
      ...(p.driverUrl ? { driverUrl: p.driverUrl } : {}),
    },
    zone: config.zone,
    answerForm: config.answerForm,
  };
}

/**
 * The environment of a partner started with `run --exec` (documented in the README):
 * every value of the setup under a stable name.
 */
export function setupEnv(s: PartnerSetup): Record<string, string> {
  const portOf = (u: string | undefined) => {
    if (!u) return undefined;
    try {
      const url = new URL(u);
      return url.port || (url.protocol === 'https:' ? '443' : '80');
    } catch {
      return undefined;
    }
  };
  const env: Record<string, string | undefined> = {
    UCSP_BASE_URL: s.ucsp.baseUrl,
    UCSP_API_URL: s.ucsp.apiUrl,
    UCSP_CERT: s.ucsp.certificate,
    UCSP_SIGN_CERT_ID: s.ucsp.signCertID,
    UCSP_CONTROL_URL: s.control,
    UCSP_INS_ID: s.partner.insID,
    UCSP_MER_ID: s.partner.merId,
    UCSP_ACQ_IIN: s.partner.acqIIN,
    UCSP_INDUSTRY_CODE: s.partner.industryCode,
    UCSP_SIGNATURE_VARIANT: s.partner.signatureVariant,
    UCSP_ZONE: s.zone,
    UCSP_ANSWER_FORM: s.answerForm,
    UCSP_PARTNER_CERT: s.partner.certificate,
    UCSP_PARTNER_KEY: s.partner.key,
    UCSP_PARTNER_P12: s.partner.p12,
    UCSP_PARTNER_P12_PASSWORD: s.partner.p12Password,
    UCSP_INDEX_URL: s.partner.indexUrl,
    UCSP_DRIVER_URL: s.partner.driverUrl,
    UCSP_PARTNER_PORT: portOf(s.partner.driverUrl ?? s.partner.indexUrl),
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The setup in words, one line each (printed on stderr before the suite starts). */
export function setupLines(s: PartnerSetup): string[] {
  const p = s.partner;
  const row = (label: string, value: string) => `  ${`${label}:`.padEnd(34)} ${value}`;
  return [
    `sandbox: UCSP ${s.ucsp.baseUrl} · channel app ${s.channel} · issuer ${s.issuer}`,
    'configure your Industry Service with:',
    row('UCSP API (POST every request)', s.ucsp.apiUrl),
    row('UCSP certificate (verify UCSP)', `${s.ucsp.certificate}${s.ucsp.signCertID ? ` (signCertID ${s.ucsp.signCertID})` : ''}`),
    row('insID / merId / acqIIN', `${p.insID} / ${p.merId} / ${p.acqIIN} (industryCode ${p.industryCode})`),
    row('your certificate (UCSP verifies)', p.certificate),
    ...(p.key ? [row('your private key', p.key)] : []),
    ...(p.p12 ? [row('or your PKCS#12', `${p.p12} (password ${p.p12Password})`)] : []),
    row('signature / zone', `${p.signatureVariant} / UTC${s.zone}`),
    ...(s.answerForm === 'minimal' ? [row("UCSP's answers", 'minimal: trxInfo and msgResponse, unsigned (answerForm)')] : []),
    'and serve, where the sandbox expects them:',
    row('your INDUSTRY_INDEX_URL (login)', p.indexUrl),
    ...(p.driverUrl ? [row('your test driver (PROFILE §9)', p.driverUrl)] : []),
  ];
}
