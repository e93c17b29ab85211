/**
 * Runs the example partner against a running sandbox:
 *
 *   npx tsx examples/partner/main.ts --ucsp http://127.0.0.1:7300 --keys .ucsp-sandbox/keys --port 7400
 *
 * Other flags: --host, --public-url, --ins-id, --mer-id, --acq-iin, --variant, --zone,
 * --partner-key, --partner-cert, --ucsp-cert (default: in --keys), --bug NAME (repeatable; see
 * bugs.ts), --quiet.
 *
 * Started by `ucsp-sandbox run --exec`, it needs no flags: each one defaults to the variable run
 * sets (UCSP_BASE_URL, UCSP_PARTNER_PORT, UCSP_PARTNER_KEY, UCSP_PARTNER_CERT, UCSP_CERT,
 * UCSP_INS_ID, UCSP_MER_ID, UCSP_ACQ_IIN, UCSP_SIGNATURE_VARIANT, UCSP_ZONE, UCSP_ANSWER_FORM), then
 * to the value shown in --help. A flag given wins over the variable. --answer-form signed|minimal:
 * the form of UCSP's answers it accepts (the sandbox's answerForm; default signed).
 *
 * Slow mode (slow.ts), a slow but correct partner — each answer is sent that many milliseconds
 * after the work is done (0 to 3600000, default 0):
 *   --slow-notice-ms MS   notices at backUrl (the result is applied at once, the answer waits)
 *   --slow-driver-ms MS   every §9 driver call (actions, orders, contracts, session, reset)
 *   --slow-login-ms MS    the login page
 * A bad value exits 2.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCertificates, loadSigner, type SignatureVariant } from '../../src/index.js';
import { BUG_NAMES, isPartnerBug, type PartnerBugs } from './bugs.js';
import { createExamplePartner } from './partner-app.js';
import { parseSlowFlags } from './slow.js';

async function main(): Promise<void> {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      ucsp: { type: 'string', default: env.UCSP_BASE_URL ?? 'http://127.0.0.1:7300' },
      keys: { type: 'string', default: '.ucsp-sandbox/keys' },
      'partner-key': { type: 'string', ...(env.UCSP_PARTNER_KEY ? { default: env.UCSP_PARTNER_KEY } : {}) },
      'partner-cert': { type: 'string', ...(env.UCSP_PARTNER_CERT ? { default: env.UCSP_PARTNER_CERT } : {}) },
      'ucsp-cert': { type: 'string', ...(env.UCSP_CERT ? { default: env.UCSP_CERT } : {}) },
      port: { type: 'string', default: env.UCSP_PARTNER_PORT ?? '7400' },
      host: { type: 'string', default: '127.0.0.1' },
      'public-url': { type: 'string' },
      'ins-id': { type: 'string', default: env.UCSP_INS_ID ?? '12345678' },
      'mer-id': { type: 'string', default: env.UCSP_MER_ID ?? '123456789012345' },
      'acq-iin': { type: 'string', default: env.UCSP_ACQ_IIN ?? '00010344' },
      variant: { type: 'string', default: env.UCSP_SIGNATURE_VARIANT ?? 'SHA256withRSA' },
      zone: { type: 'string', default: env.UCSP_ZONE ?? '+08:00' },
      'answer-form': { type: 'string', default: env.UCSP_ANSWER_FORM ?? 'signed' },
      bug: { type: 'string', multiple: true, default: [] },
      quiet: { type: 'boolean', default: false },
      'slow-notice-ms': { type: 'string' },
      'slow-driver-ms': { type: 'string' },
      'slow-login-ms': { type: 'string' },
    },
    strict: true,
  });
  const bugs: Partial<PartnerBugs> = {};
  for (const name of values.bug) {
    if (!isPartnerBug(name)) throw new Error(`unknown --bug ${name} (known: ${BUG_NAMES.join(', ')})`);
    bugs[name] = true;
  }
  if (values.variant !== 'SHA256withRSA' && values.variant !== 'sha256-raw') throw new Error('--variant must be SHA256withRSA or sha256-raw');
  const answerForm = values['answer-form'];
  if (answerForm !== 'signed' && answerForm !== 'minimal') throw new Error('--answer-form must be signed or minimal');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port} is not a port number`);
  const slowness = parseSlowFlags(values);

  const base = values.ucsp.replace(/\/+$/, '');
  const partner = createExamplePartner({
    ucspApiUrl: base.endsWith('/ucsp/api') ? base : `${base}/ucsp/api`,
    signer: await loadSigner(values['partner-key'] ?? join(values.keys, 'partner.key.pem'), values['partner-cert'] ?? join(values.keys, 'partner.cert.pem')),
    ucspCertificates: await loadCertificates(values['ucsp-cert'] ?? join(values.keys, 'ucsp.cert.pem')),
    insID: values['ins-id'],
    merId: values['mer-id'],
    acqIIN: values['acq-iin'],
    signatureVariant: values.variant as SignatureVariant,
    zone: values.zone,
    answerForm,
    bugs,
    ...slowness,
    log: values.quiet ? undefined : (line) => console.log(`[partner] ${line}`),
  });
  if (values['public-url']) partner.setPublicUrl(values['public-url']);
  const { url, close } = await partner.listen(port, values.host);
  const pub = values['public-url']?.replace(/\/+$/, '') ?? url;
  console.log(`example partner listening on ${url}`);
  console.log(`  INDUSTRY_INDEX_URL  ${pub}/ucsp/login`);
  console.log(`  backUrl             ${pub}/ucsp/notify`);
  console.log(`  driverUrl           ${pub}/driver`);
  console.log(`  UCSP API            ${base.endsWith('/ucsp/api') ? base : `${base}/ucsp/api`}`);
  if (values.bug.length) console.log(`  BUGS ON: ${values.bug.join(', ')}`);
  const slow = Object.entries(slowness).map(([k, ms]) => `${k.replace(/^slow|Ms$/g, '').toLowerCase()} answers +${ms} ms`);
  if (slow.length) console.log(`  SLOW MODE: ${slow.join(', ')}`);

  const stop = () => {
    void close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`example partner: ${(e as Error).message}`);
  process.exit(2);
});
