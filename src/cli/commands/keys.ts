import type { Command } from 'commander';
import { DEFAULT_P12_PASSWORD, writeTestKeys } from '../../crypto/index.js';
import { c, out, printJson } from '../output.js';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('make and inspect test keys and certificates');
  keys
    .command('init')
    .description('write a test root CA, the UCSP signing key and certificate, and a partner key, certificate and PKCS#12')
    .requiredOption('--out <dir>', 'folder to write the keys to')
    .option('--password <password>', 'password of partner.p12', DEFAULT_P12_PASSWORD)
    .option('--force', 'overwrite existing key files', false)
    .option('--json', 'print the result as one JSON object', false)
    .addHelpText(
      'after',
      `
Examples:
  $ ucsp-sandbox keys init --out ./keys
  $ ucsp-sandbox keys init --out ./keys --password s3cret --force`,
    )
    .action(async (opts: { out: string; password: string; force: boolean; json: boolean }) => {
      const k = await writeTestKeys(opts.out, { password: opts.password, force: opts.force });
      if (opts.json) {
        printJson({ dir: opts.out, files: k.files, ucspSignCertID: k.ucsp.serial, partnerSignCertID: k.partner.serial, p12Password: opts.password });
        return;
      }
      out(`${c.green('✔')} test keys written to ${opts.out} (private keys mode 0600)`);
      for (const f of Object.values(k.files)) out(`  ${f}`);
      out(`UCSP signCertID:    ${k.ucsp.serial}   (${k.files.ucspCert})`);
      out(`partner signCertID: ${k.partner.serial}   (${k.files.partnerCert}, ${k.files.partnerP12})`);
      out(`partner.p12 password: ${opts.password}${opts.password === DEFAULT_P12_PASSWORD ? ' (the default; set another with --password)' : ''}`);
    });
}
