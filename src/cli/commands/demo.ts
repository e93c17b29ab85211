import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { TrustStore, loadSigner, signMessage, verifyMessage, writeTestKeys } from '../../crypto/index.js';
import { formatDiagnostics, parseStrictJson, validateMessage } from '../../schemas/index.js';
import { c, out } from '../output.js';

const SAMPLE = {
  msgInfo: { versionNo: '1.0.0', msgID: 'P1234567820261125173000000001', timeStamp: '20261125173000', msgType: 'SUBMIT_PAYMENT_ORDER', insID: '12345678' },
  trxInfo: {
    orderId: 'ORD2026112500001',
    merId: '123456789012345',
    acqIIN: '00010344',
    txnAmt: '1234',
    currencyCode: '344',
    txnTime: '20261125173000',
    userId: 'user-001',
    backUrl: 'http://127.0.0.1:8080/ucsp/notify',
  },
};

/**
 * The main job until the conformance suite lands: make test keys, sign a sample
 * SUBMIT_PAYMENT_ORDER as the partner, verify it as UCSP would, lint it, and show a tampered copy failing.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('show the message layer end to end: keys init, sign a sample message, verify it, lint it, catch a tampered copy')
    .addHelpText('after', '\nExample:\n  $ npx ucsp-sandbox demo')
    .action(async () => {
      const dir = await mkdtemp(join(tmpdir(), 'ucsp-demo-'));
      try {
        const keys = await writeTestKeys(dir, { force: true });
        out(`1. keys init → ${dir} (UCSP signCertID ${keys.ucsp.serial}, partner ${keys.partner.serial})`);
        const partner = await loadSigner(keys.files.partnerP12, undefined, 'ucsp-sandbox');
        const signed = signMessage(SAMPLE, partner);
        out(`2. signed SUBMIT_PAYMENT_ORDER as the partner (${signed.length} bytes)`);
        const trust = new TrustStore([partner.certificate]);
        const verdict = verifyMessage(signed, trust);
        out(`3. verify: ${verdict.valid ? c.green('VALID') : c.red('INVALID')} ${verdict.summary}`);
        const lint = validateMessage(parseStrictJson(signed));
        out(`4. lint:   ${lint.valid ? c.green('OK') : c.red('FAIL')} ${lint.msgType} ${lint.role}`);
        for (const l of formatDiagnostics(lint.errors)) out(`     ${l}`);
        const tampered = verifyMessage(signed.replace('"txnAmt":"1234"', '"txnAmt":"1235"'), trust);
        out(`5. tampered txnAmt: ${tampered.valid ? c.red('accepted (BUG)') : c.green('rejected')} — ${tampered.summary}`);
        const ok = verdict.valid && lint.valid && !tampered.valid;
        out(ok ? c.green('demo passed') : c.red('demo FAILED'));
        process.exitCode = ok ? 0 : 1;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
}
